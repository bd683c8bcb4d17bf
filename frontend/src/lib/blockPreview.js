// The block the model is writing, as `block_preview` events show it (DESIGN 4.2.3): plain
// text appended at an offset counted in Unicode code points, cleared when the block arrives
// rendered. Previews are volatile (no id, never replayed): after a reconnect the server sends
// the current block again from offset 0, so nothing here needs to survive a drop.
import { ref } from 'vue'

/** The number of Unicode code points in `text` (JS strings count UTF-16 units). */
export function codePointLength(text) {
  let count = 0
  for (const _ of text) count += 1
  return count
}

/** The first `count` code points of `text`. */
export function codePointSlice(text, count) {
  if (count <= 0) return ''
  let units = 0
  let seen = 0
  for (const char of text) {
    if (seen === count) break
    units += char.length
    seen += 1
  }
  return text.slice(0, units)
}

/**
 * The preview after `event`, given the one shown (`current`, or null). Returns `current`
 * itself when the event changes nothing it can trust: a preview of a block that started
 * before this connection saw it (offset > 0, another block) or that skips text (a gap).
 */
export function nextPreview(current, event) {
  const id = Number(event?.block_id)
  const offset = Number(event?.offset)
  const text = typeof event?.text === 'string' ? event.text : null
  if (!Number.isInteger(id) || id < 1 || !Number.isInteger(offset) || offset < 0 || text === null)
    return current
  const blockType = typeof event.block_type === 'string' ? event.block_type : null
  // Offset 0 starts the block afresh: a new block, a reconnect, or an invalid block replaced.
  if (offset === 0)
    return { block_id: id, block_type: blockType, text, length: codePointLength(text) }
  if (!current || current.block_id !== id || offset > current.length) return current
  // offset <= length: the text from `offset` on is sent again; keep what came before it.
  const kept = offset === current.length ? current.text : codePointSlice(current.text, offset)
  return {
    block_id: id,
    block_type: blockType ?? current.block_type,
    text: kept + text,
    length: offset + codePointLength(text),
  }
}

/**
 * The preview of a lesson, as state a store can return. `isRendered(id)` says whether the
 * block is shown rendered already: its previews (late, from another worker's poll) are ignored.
 */
export function useBlockPreview(isRendered) {
  const preview = ref(null) // {block_id, block_type, text, length} | null
  // Blocks that were previewed: they take the preview's place without an entrance movement.
  const previewed = new Set()

  /** Apply one `block_preview` event. */
  function handleBlockPreview(event) {
    if (isRendered(Number(event?.block_id))) return
    const next = nextPreview(preview.value, event)
    if (next === preview.value) return
    preview.value = next
    previewed.add(next.block_id)
  }

  /** A block arrived rendered: its preview (or an older one left behind) goes. */
  function settleBlock(blockId) {
    if (preview.value && preview.value.block_id <= blockId) preview.value = null
  }

  /** No preview (the lesson ended or was replaced). */
  function clearPreview() {
    preview.value = null
  }

  /** Forget the lesson's previews altogether (a new lesson). */
  function resetPreview() {
    preview.value = null
    previewed.clear()
  }

  /** Whether block `id` was shown as a preview before it arrived. */
  function wasPreviewed(id) {
    return previewed.has(id)
  }

  return { preview, handleBlockPreview, settleBlock, clearPreview, resetPreview, wasPreviewed }
}
