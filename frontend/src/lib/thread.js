// The chat thread of a session: its entries, built from the server's session view.

export const QNA_AGENT = 'qna_resolver'

// An answer not finished yet: sent (no token so far) or streaming.
export const PENDING = new Set(['waiting', 'streaming'])

// How the server marks a turn that did not finish (its message already says so).
const UNFINISHED = new Set(['cancelled', 'failed'])

/** A thread entry. status: done | waiting | streaming | cancelled | failed. */
export function threadEntry(role, agent, text, extra = {}) {
  return { role, agent, text, createdAt: null, status: 'done', sources: [], error: null, ...extra }
}

/**
 * The thread of a session view: its conversation, in order. A stopped or failed answer keeps
 * its status and its question, so it can be asked again after a reload.
 */
export function threadFromView(view) {
  const conversation = view?.conversation ?? []
  return conversation.map((item, index) => {
    const extra = { createdAt: item.created_at ?? null }
    if (UNFINISHED.has(item.status)) {
      Object.assign(extra, { status: item.status, recorded: true })
      const asked = conversation[index - 1]
      if (item.agent === QNA_AGENT && asked?.role === 'user') extra.question = asked.message
    }
    return threadEntry(item.role, item.agent, item.message ?? '', extra)
  })
}

/** Whether a session/message reply starts a new lesson (streamed or whole) rather than a chat reply. */
export function isLessonTurn(flow) {
  return flow?.ui_mode === 'streaming' || Array.isArray(flow?.theory_content)
}
