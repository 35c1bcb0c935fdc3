// Stand-in for @actions/core in unit tests, loaded with jest.unstable_mockModule.
import { jest } from '@jest/globals'
import type * as core from '@actions/core'

export const debug = jest.fn<typeof core.debug>()
export const info = jest.fn<typeof core.info>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
export const getInput = jest.fn<typeof core.getInput>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const setSecret = jest.fn<typeof core.setSecret>()
export const getIDToken = jest.fn<typeof core.getIDToken>()
export const summary = {
  addRaw: jest.fn().mockReturnThis(),
  write: jest.fn(async () => summary)
}
