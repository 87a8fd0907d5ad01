// dynalite on a host and port, for the tests: its own CLI, except that a client which resets
// its connection mid-request (a process killed by a durability test) does not take the shared
// server down. dynalite throws such request errors from an event handler (index.js:
// `req.on('error', function (err) { throw err })`), which ends node; here an ECONNRESET or
// "aborted" request error is logged and the server lives on. Every other error still ends it.
'use strict'
const path = require('path')
const argv = require(path.join(process.cwd(), 'node_modules', 'minimist'))(process.argv.slice(2))
const dynalite = require(path.join(process.cwd(), 'node_modules', 'dynalite'))

process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client reset its connection mid-request; still serving')
    return
  }
  console.error(err)
  process.exit(1)
})

const server = dynalite(argv).listen(argv.port, argv.host, function () {
  console.log('Dynalite listening at: http://%s:%s', argv.host, server.address().port)
})
