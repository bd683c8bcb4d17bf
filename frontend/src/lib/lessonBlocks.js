// The blocks of a lesson as the client keeps them: in block_id order, each id once.
import { computed, ref } from 'vue'

/**
 * Insert `block` into `blocks` (sorted by block_id) unless `seen` holds its id already (a
 * replay) or it has no valid id. Returns whether it was added.
 */
export function insertBlock(blocks, seen, block) {
  const id = Number(block?.block_id)
  if (!Number.isInteger(id) || id < 1 || seen.has(id)) return false
  seen.add(id)
  const entry = { block_type: block.block_type, block_id: id, data: block.data ?? {} }
  let at = blocks.length
  while (at > 0 && blocks[at - 1].block_id > id) at -= 1
  blocks.splice(at, 0, entry)
  return true
}

/**
 * The blocks a finished lesson left out because the model wrote them invalid
 * (`stream_complete.skipped_blocks`); 0 when none or when the event does not say.
 */
export function skippedBlocksOf(complete) {
  const count = complete?.skipped_blocks
  return Number.isInteger(count) && count > 0 ? count : 0
}

/** The blocks of the lesson shown, as state a store can return (a replay adds nothing). */
export function useLessonBlocks() {
  const theoryBlocks = ref([])
  const receivedBlocks = computed(() => theoryBlocks.value.length)
  const seen = new Set()

  /** Add a block in block_id order; a block id already shown (a replay) is ignored. */
  function handleTheoryBlock(block) {
    return insertBlock(theoryBlocks.value, seen, block)
  }

  /** Whether block `id` is shown already. */
  function hasBlock(id) {
    return seen.has(id)
  }

  /** Show exactly `blocks` (a whole lesson, or none). */
  function setBlocks(blocks) {
    theoryBlocks.value = []
    seen.clear()
    for (const block of blocks ?? []) handleTheoryBlock(block)
  }

  return { theoryBlocks, receivedBlocks, handleTheoryBlock, hasBlock, setBlocks }
}
