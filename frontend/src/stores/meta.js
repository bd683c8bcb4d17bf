// What the server says about itself (the offline-model note).
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { metaService } from '@/services/metaService'

export const useMetaStore = defineStore('meta', () => {
  const meta = ref(null)

  async function load() {
    try {
      meta.value = await metaService.get()
    } catch {
      meta.value = null // the note is informative only
    }
    return meta.value
  }

  return { meta, load }
})
