import { createClients } from '../src/aws-clients.js'
import { fetchCredentialReport } from '../src/credential-report/fetch.js'
import { csvRows, utf8Chunks } from '../src/credential-report/csv.js'
import { readCredentialReport } from '../src/credential-report/parse.js'
import { selectCandidates } from '../src/credential-report/candidates.js'
const mb = (n: number) => (n / 1048576).toFixed(0)
const show = (label: string) => { const m = process.memoryUsage(); console.log(label, 'rss', mb(m.rss), 'heap', mb(m.heapUsed), 'ext', mb(m.external), 'ab', mb(m.arrayBuffers), 'maxRSS', (process.resourceUsage().maxRSS/1024).toFixed(0)) }
process.env.AWS_ENDPOINT_URL = process.argv[2]
show('start')
const clients = createClients({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' }, iamRequestsPerSecond: 0 })
show('clients')
const r = await fetchCredentialReport(clients.iam)
show('fetched ' + r.content.length)
const sel = selectCandidates(readCredentialReport(csvRows(utf8Chunks(r.content))), new Date(), { maxAgeDays: 90, warnDays: 14, unusedDays: 0 })
show('selected ' + sel.candidates.length)
