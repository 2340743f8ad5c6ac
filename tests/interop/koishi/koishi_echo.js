// A Koishi echo bot: answers every private and group message with "echo: <its text>".
//
// A real, ordinary Koishi 4 program (new Context(), the http and server services, the OneBot
// adapter koishi-plugin-adapter-onebot, a middleware that replies), launched by
// tests/interop/test_interop_koishi.py as a subprocess:
//
//     node koishi_echo.js '{"port": 8080, "selfId": "10000", "protocol": "ws-reverse",
//                           "token": "t", "endpoint": "http://...", "secret": "s"}'
//
// `port` is the Koishi server's (it listens on 127.0.0.1:port: the reverse WebSocket server at
// /onebot for protocol "ws-reverse", the HTTP POST receiver at /onebot for "http"); every other
// key is the adapter's own bot configuration, passed as is.
//
// On stdout it prints `READY <selfId>` each time the bot goes online, i.e. the adapter's
// get_login_info over the connection (or the HTTP API) was answered, and from then on it can
// send messages. The echo keeps only the text segments, so a face or an at in the test's
// message cannot change the expected answer.
'use strict'

const { Context, h, Universal } = require('koishi')
const http = require('@koishijs/plugin-http').default
const server = require('@koishijs/plugin-server').default
const OneBotBot = require('koishi-plugin-adapter-onebot').default

const { port, ...bot } = JSON.parse(process.argv[2])
const ctx = new Context()
// the services Koishi's loader would provide: ctx.http (the adapter's bots inject it; the
// HTTP API and the forward WebSocket client use it) and ctx.server
ctx.plugin(http)
ctx.plugin(server, { host: '127.0.0.1', port })
if (bot.protocol === 'http') {
  // The published adapter (6.9.4) reads the event from `ctx.body`, which in Koa is the
  // *response* body (undefined), so every HTTP POST crashes it; its source upstream reads
  // `ctx.request.body`. This route, registered before the adapter's on the same path, hands
  // it the parsed request body; the adapter still checks X-Signature over
  // JSON.stringify(body) (POST-7) and sets the status (204, or 401/403); the
  // body is taken back so that it is not sent as the answer.
  ctx.inject(['server'], (ctx) => ctx.server.post(bot.path ?? '/onebot', async (c, next) => {
    c.body = c.request.body
    await next()
    if (c.body !== c.request.body) return
    const { status } = c  // Koa turns a null body into 204: keep the adapter's 401/403
    c.body = null
    c.status = status
  }))
}
ctx.plugin(OneBotBot, bot)

ctx.on('login-updated', (session) => {
  const { login } = session.event
  if (login.status === Universal.Status.ONLINE) console.log(`READY ${login.selfId ?? bot.selfId}`)
})

ctx.middleware(async (session) => {
  const text = session.elements.filter((e) => e.type === 'text').map((e) => e.attrs.content)
  await session.send(h.text('echo: ' + text.join('')))
})

process.on('SIGTERM', () => ctx.stop().finally(() => process.exit(0)))
ctx.start()
