import { describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { sealForGitHub } from '../../../src/github/secrets.js'

describe('sealForGitHub', () => {
  it('is a sealed box only the holder of the private key opens', async () => {
    await sodium.ready
    const pair = sodium.crypto_box_keypair()
    const publicKey = sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)
    const sealed = await sealForGitHub('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', publicKey)
    expect(sealed).not.toContain('wJalrXUtnFEMI')
    const opened = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
      pair.publicKey,
      pair.privateKey
    )
    expect(sodium.to_string(opened)).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
  })
})
