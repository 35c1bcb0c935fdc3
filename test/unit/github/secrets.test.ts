import { describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { putSecretPair, sealForGitHub } from '../../../src/github/secrets.js'

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

describe('putSecretPair, when GitHub answers an error for a write that landed', () => {
  it('the secret-key write that landed completes the pair: nothing is put back', async () => {
    await sodium.ready
    const pair = sodium.crypto_box_keypair()
    const stored = new Map<string, string>([
      ['AWS_ACCESS_KEY_ID', '2026-01-01T00:00:00Z'],
      ['AWS_SECRET_ACCESS_KEY', '2026-01-01T00:00:00Z']
    ])
    const puts: string[] = []
    let second = 0
    const request = async (route: string) => {
      const [method = '', path = ''] = route.split(' ')
      const name = decodeURIComponent(path.split('/').pop() ?? '')
      if (path.endsWith('/public-key'))
        return {
          data: {
            key_id: 'k1',
            key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)
          }
        }
      if (method === 'GET') return { data: { updated_at: stored.get(name) } }
      puts.push(name)
      // Each write a second later than the one before, as GitHub's clock would show it.
      stored.set(
        name,
        new Date(Date.UTC(2027, 0, 1, 0, 0, ++second)).toISOString().replace('.000Z', 'Z')
      )
      if (name === 'AWS_SECRET_ACCESS_KEY')
        throw Object.assign(new Error('Server Error'), { status: 502 })
      return { data: {} }
    }
    const at = await putSecretPair(
      { request } as unknown as Parameters<typeof putSecretPair>[0],
      { kind: 'repository', owner: 'acme', repo: 'web' },
      { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY' },
      { accessKeyId: 'AKIANEWKEY0000000001', secretAccessKey: 'new' },
      'AKIAOLDKEY0000000001'
    )
    expect(at).toBe(stored.get('AWS_SECRET_ACCESS_KEY'))
    // The ID is not written back: the destination holds the new pair, whole.
    expect(puts).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
  })
})
