// A loopback HTTP proxy for the proxy tests: forwards absolute-form requests (how a client sends
// an http:// URL through HTTP_PROXY) and tunnels CONNECT (how it sends https://, and how undici's
// ProxyAgent sends both), recording each. Every host is answered by 127.0.0.1 on the port asked
// for, so a test can name the fakes with hostnames that do not resolve: a request that reached
// them without the proxy would fail.
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ProxiedRequest {
  method: string
  /** host:port the client asked for. */
  target: string
  /** The path, for forwarded requests; '' for CONNECT tunnels. */
  path: string
  /** How the request named its target: absolute (http://host/path), origin (/path), CONNECT. */
  form: 'absolute' | 'origin' | 'connect'
}

export class LoopbackProxy {
  readonly requests: ProxiedRequest[] = []
  private readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor() {
    this.server = createServer((req, res) => {
      // Absolute form (RFC 9112 3.2.2) from proxy clients; origin form with a Host header from
      // anything else, recorded all the same.
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'unknown'}`)
      this.requests.push({
        method: req.method ?? '',
        target: url.host,
        path: url.pathname,
        form: /^https?:/.test(req.url ?? '') ? 'absolute' : 'origin'
      })
      const upstream = request(
        {
          host: '127.0.0.1',
          port: Number(url.port || 80),
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: req.headers
        },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
    })
    this.server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      const target = req.url ?? ''
      this.requests.push({ method: 'CONNECT', target, path: '', form: 'connect' })
      const upstream = connect(Number(target.split(':').pop()), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => (s === client ? upstream : client).destroy())
      }
    })
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
  }

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** The hosts (without port) the proxy was asked for. */
  hosts(): Set<string> {
    return new Set(this.requests.map((r) => r.target.replace(/:\d+$/, '')))
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((done) => this.server.close(() => done()))
  }
}
