// The course around the lesson: its outline (chapters and sections) and the learner's sessions.
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { learningService } from '@/services/learningService'

export const useCourseStore = defineStore('course', () => {
  const chapters = ref([])
  const sessions = ref([])

  /** The outline, loaded once (it does not change while the app runs). */
  async function loadChapters() {
    if (!chapters.value.length) chapters.value = await learningService.getChapters()
    return chapters.value
  }

  /** The learner's sessions, newest first, loaded afresh each time. */
  async function loadSessions() {
    sessions.value = await learningService.listSessions()
    return sessions.value
  }

  /** The section after `chapter`-`section` in the outline, as [chapter, section]; null at the end. */
  function nextSection(chapter, section) {
    const all = chapters.value.flatMap((c) =>
      c.sections.map((s) => [c.chapter_number, s.section_number]),
    )
    const at = all.findIndex(([c, s]) => c === chapter && s === section)
    return at >= 0 && at + 1 < all.length ? all[at + 1] : null
  }

  /** The title of a section as the lesson header shows it ("2-1. Title"); '' when unknown. */
  function sectionTitle(chapter, section) {
    const found = chapters.value.find((c) => c.chapter_number === chapter)
    const part = found?.sections.find((s) => s.section_number === section)
    return part ? `${found.chapter_number}-${part.section_number}. ${part.title}` : ''
  }

  return { chapters, sessions, loadChapters, loadSessions, nextSection, sectionTitle }
})
