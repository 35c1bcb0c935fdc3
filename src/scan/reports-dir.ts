// Finds the reports the matrix jobs uploaded: every *.json under reports-directory, however deep
// (actions/download-artifact puts each artifact in its own folder). A file that cannot be read is
// reported, never thrown, so one bad artifact cannot hide the others. The directory itself may be
// anywhere (actions/download-artifact's path, often under runner.temp): it holds the matrix jobs'
// own reports, each checked as one, not reviewed configuration. A symbolic link under it is not
// followed (readdir's entries say isFile/isDirectory false for a link), so the reports read are
// the files download-artifact wrote there.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { errorMessage } from '../kit/errors.js'
import { readReportFile, unusableFile, type ReportFile } from './report-file.js'

export interface ReportsDirectory {
  /** False when the directory does not exist (no artifact was downloaded into it). */
  exists: boolean
  files: ReportFile[]
}

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name)
      if (e.isDirectory()) return jsonFiles(path)
      return e.isFile() && e.name.toLowerCase().endsWith('.json') ? [path] : []
    })
  )
  return nested.flat().sort()
}

export async function readReportsDirectory(dir: string): Promise<ReportsDirectory> {
  let paths: string[]
  try {
    paths = await jsonFiles(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, files: [] }
    throw error
  }
  const files = await Promise.all(
    paths.map(async (path): Promise<ReportFile> => {
      try {
        return readReportFile(path, await readFile(path, 'utf8'))
      } catch (error) {
        return unusableFile(path, `it could not be read: ${errorMessage(error)}`)
      }
    })
  )
  return { exists: true, files }
}
