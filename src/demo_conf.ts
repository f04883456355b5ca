/**
 * The embedded demo config that `supervisord demo` runs in the foreground:
 * a few small programs that show the usual states, a health-checked service
 * and a program that starts once it is healthy (`depends_on`), a job on a
 * schedule (`cron`), a program restarted on file change (`watch`), the control
 * socket and the HTTP server on 127.0.0.1, everything under one temp
 * directory.
 *
 * Python counterpart: none (supervisord has no embedded config); the file is
 * an ordinary supervisord.conf and loads unchanged in Python supervisord,
 * which ignores the extension keys.
 * @module
 */

/** The demo config; `%(here)s` is the temp directory it is written to. */
export const DEMO_CONF = `; supervisord demo: written to a temp directory and run in the foreground.
[supervisord]
nodaemon=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
identifier=supervisor-demo

[unix_http_server]
file=%(here)s/supervisor.sock

[inet_http_server]
port=127.0.0.1:9001

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

; prints the time every few seconds; console=true (an extension) also shows it here as "clock | ..."
[program:clock]
command=/bin/sh -c 'while true; do date; sleep 3; done'
priority=10
console=true

; two workers from one section
[program:worker]
command=/bin/sh -c 'echo "worker %(process_num)s up"; exec sleep 100000'
process_name=%(program_name)s_%(process_num)s
numprocs=2
priority=20

; exits now and then; supervisord restarts it after a growing pause (backoff, an extension):
; its description says "restarting in 2.0s" meanwhile
[program:flaky]
command=/bin/sh -c 'echo starting; sleep 7; echo "giving up" >&2; exit 3'
autorestart=true
redirect_stderr=true
backoff=exponential
backoff_delay=1s
backoff_max=8s

; a cache that is ready two seconds after it starts (it writes a ready file);
; the health check watches for that file (ctl status shows "healthy")
[program:cache]
command=/bin/sh -c 'rm -f %(here)s/cache.ready; sleep 2; touch %(here)s/cache.ready; exec sleep 100000'
healthcheck=exec:test -e %(here)s/cache.ready
healthcheck_start_interval=250ms
healthcheck_start_period=30s
healthcheck_interval=5s

; starts only once the cache is healthy (its description says what it waits for)
[program:web]
command=/bin/sh -c 'echo "web up: the cache is healthy"; exec sleep 100000'
depends_on=cache:healthy

; a scheduled job (cron; six fields, seconds first): it runs every 15 seconds,
; and between runs "supervisord ctl status" shows when it runs next
[program:report]
command=/bin/sh -c 'echo "report at $(date +%%T)"'
cron=*/15 * * * * *
autorestart=false
startsecs=0

; restarted when a .js file in the demo directory changes (try: touch <dir>/app.js)
[program:dev]
command=/bin/sh -c 'echo "dev server up"; exec sleep 100000'
restart_directory_monitor=.
restart_file_pattern=*.js

; configured but not started: start it with "supervisord ctl start idle"
[program:idle]
command=/bin/cat
autostart=false
`;
