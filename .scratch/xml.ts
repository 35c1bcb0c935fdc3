const mb = (n: number) => (n / 1048576).toFixed(0)
const show = (label: string) => { const m = process.memoryUsage(); console.log(label, 'rss', mb(m.rss), 'heap', mb(m.heapUsed), 'maxRSS', (process.resourceUsage().maxRSS/1024).toFixed(0)) }
const ep = process.argv[2]!
show('start')
const body = 'Action=GetCredentialReport&Version=2010-05-08'
const res = await fetch(ep, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' } })
const text = await res.text()
show('text ' + text.length)
const { XMLParser } = await import('fast-xml-parser')
const parser = new XMLParser({ attributeNamePrefix: '', htmlEntities: true, ignoreAttributes: false, ignoreDeclaration: true, parseTagValue: false, trimValues: false, tagValueProcessor: (_: string, val: string) => (val.trim() === '' && val.includes('\n') ? '' : undefined) })
const parsed = parser.parse(text, true)
show('parsed')
console.log(Object.keys(parsed))
