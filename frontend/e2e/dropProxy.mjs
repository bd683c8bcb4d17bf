// A TCP proxy in front of the server that can cut every open connection at once: a network
// drop as the browser sees it (its streaming fetch fails), while new connections still work.
import net from 'node:net'

export async function startDropProxy(targetUrl) {
  const target = new URL(targetUrl)
  const sockets = new Set()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Cut every open connection (the browser sees a reset). */
    dropAll() {
      for (const socket of sockets) socket.resetAndDestroy?.() ?? socket.destroy()
      return sockets.size
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}
