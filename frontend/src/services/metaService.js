// Product metadata (public): which model provider serves this instance.
import { api } from './api'

export const metaService = {
  get() {
    return api.get('/meta', { auth: false })
  },
}
