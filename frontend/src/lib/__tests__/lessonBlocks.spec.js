import { describe, expect, it } from 'vitest'

import { insertBlock, skippedBlocksOf, useLessonBlocks } from '@/lib/lessonBlocks'

import { lesson } from './fakeStream'

describe('insertBlock', () => {
  it('keeps blocks in block_id order, each id once, and drops blocks without a valid id', () => {
    const blocks = []
    const seen = new Set()
    const added = [3, 1, 3, 2].map((id) => insertBlock(blocks, seen, lesson.block(id)))
    expect(added).toEqual([true, true, false, true])
    expect(blocks.map((b) => b.block_id)).toEqual([1, 2, 3])
    for (const odd of [null, { block_id: 0 }, { block_id: 'x' }, { block_id: 1.5 }]) {
      expect(insertBlock(blocks, seen, odd)).toBe(false)
    }
    expect(insertBlock(blocks, seen, { block_type: 'poll', block_id: '4' })).toBe(true)
    expect(blocks.at(-1)).toEqual({ block_type: 'poll', block_id: 4, data: {} })
  })
})

describe('useLessonBlocks', () => {
  it('setBlocks shows exactly the blocks given, so an id shown before may come again', () => {
    const { theoryBlocks, receivedBlocks, handleTheoryBlock, setBlocks } = useLessonBlocks()
    handleTheoryBlock(lesson.block(2))
    setBlocks([lesson.block(1)])
    expect(theoryBlocks.value.map((b) => b.block_id)).toEqual([1])
    expect(handleTheoryBlock(lesson.block(2))).toBe(true)
    expect(receivedBlocks.value).toBe(2)
    setBlocks(null)
    expect(theoryBlocks.value).toEqual([])
  })
})

describe('skippedBlocksOf', () => {
  it('reads the blocks a finished lesson left out, 0 when none or unreadable', () => {
    expect(skippedBlocksOf(lesson.complete(3, 1))).toBe(1)
    expect(skippedBlocksOf(lesson.complete(4))).toBe(0)
    for (const odd of [
      null,
      {},
      { skipped_blocks: -2 },
      { skipped_blocks: '2' },
      { skipped_blocks: 1.5 },
    ]) {
      expect(skippedBlocksOf(odd)).toBe(0)
    }
  })
})
