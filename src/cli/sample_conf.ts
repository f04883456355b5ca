/**
 * The commented sample `supervisord.conf` printed by `echo_supervisord_conf`.
 *
 * It lists every section and option supervisord reads, each with its default
 * (or an example where there is none). The active (uncommented) settings are
 * the same as those of Python's sample, so the printed file works as a
 * drop-in starting config: a unix socket server at /tmp/supervisor.sock, the
 * main log and pidfile in /tmp, the standard RPC interface, and a
 * `[supervisorctl]` section pointing at the socket.
 *
 * Python counterpart: supervisor/confecho.py and supervisor/skel/sample.conf.
 * @module
 */

const HEADER = `; supervisord configuration (sample).
;
; Every setting supervisord understands appears below.  Lines that start with
; ";" are inactive; remove the ";" to use one.  The values shown after a ";"
; are the defaults unless the comment says otherwise.  The full reference is
; at http://supervisord.org/configuration.html.
;
; Syntax reminders:
;  - "~" and "$VAR" are not expanded by a shell.  Use "%(ENV_NAME)s" to insert
;    an environment variable and "%(here)s" for this file's directory.
;  - Values are taken literally; quotes only mean something inside the
;    environment= settings.
;  - A comment after a value needs whitespace before it: "a=b ;note" ends the
;    value at "b", while "a=b;note" keeps all of "b;note".  This applies to
;    command= too, so "command=sh -c 'x ; y'" is cut at "x".
;
; About /tmp:
;  This sample keeps its socket, log and pid files in /tmp so it runs almost
;  anywhere.  Pick permanent locations for real use: some systems clean /tmp
;  periodically, and supervisorctl cannot reach supervisord once the socket
;  file is gone.
`;

const SERVERS = `
[unix_http_server]
file=/tmp/supervisor.sock   ; where the socket file is created
;chmod=0700                 ; permission bits of the socket file (default 0700)
;chown=nobody:nogroup       ; owner user[:group] of the socket file (default: unchanged)
;username=user              ; require this user name (default: no authentication)
;password=123               ; its password, plain or {SHA}<hex digest> (default: none)

; The TCP server below stays off unless you uncomment it.  It encrypts
; nothing and, without username= and password=, accepts anyone who can
; connect.  Bind it to localhost or a network you trust completely, and never
; expose it to the internet.

;[inet_http_server]         ; TCP server (disabled unless uncommented)
;port=127.0.0.1:9001        ; host:port to listen on; *:port for every interface
;username=user              ; require this user name (default: no authentication)
;password=123               ; its password, plain or {SHA}<hex digest> (default: none)
`;

const SUPERVISORD = `
[supervisord]
logfile=/tmp/supervisord.log ; main log file (default: supervisord.log in the startup cwd)
logfile_maxbytes=50MB        ; rotate the main log at this size; 0 never rotates (default 50MB)
logfile_backups=10           ; rotated main logs to keep; 0 keeps none (default 10)
loglevel=info                ; critical, error, warn, info, debug, trace or blather (default info)
pidfile=/tmp/supervisord.pid ; pid file path (default: supervisord.pid in the startup cwd)
nodaemon=false               ; true stays in the foreground (default false)
silent=false                 ; true stops log echo to stdout in the foreground (default false)
minfds=1024                  ; file descriptors that must be available to start (default 1024)
minprocs=200                 ; processes that must be available to start (default 200)
;umask=022                   ; umask set when daemonizing (default 022)
;user=supervisord            ; switch to this account at startup; advised when started as root
;identifier=supervisor       ; name of this instance, reported over RPC (default supervisor)
;directory=/tmp              ; chdir here when daemonizing (default: no chdir)
;nocleanup=false             ; true keeps old AUTO child logs at startup (default false)
;childlogdir=/tmp            ; where AUTO child logs go (default: the system temp dir)
;environment=KEY="value"     ; variables added to every child's environment (default none)
;strip_ansi=false            ; remove ANSI escape sequences from child logs (default false)

; Keep [rpcinterface:supervisor]: supervisorctl and the web pages talk to
; supervisord through it.  Extra interfaces would go in further
; [rpcinterface:name] sections.

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;

const CTL = `
; [supervisorctl] is read only by supervisorctl.  Point serverurl= at one of
; the servers configured above.

[supervisorctl]
serverurl=unix:///tmp/supervisor.sock ; a unix:// URL names a socket file
;serverurl=http://127.0.0.1:9001 ; an http:// URL names a TCP server (default http://localhost:9001)
;username=chris              ; must match the server's username= when one is set
;password=123                ; must match the server's password= when one is set
;prompt=supervisor           ; interactive prompt text (default supervisor)
;history_file=~/.sc_history  ; readline history file (default: no history)

; supervisorctl plugins are loaded from [ctlplugin:name] sections.

;[ctlplugin:name]
;supervisor.ctl_factory = package.module:make_plugin ; plugin factory (client side only)
`;

/** Options shared by program, eventlistener and fcgi-program sections, after `command=`. */
function processOptions(priority: number, listener: boolean): string {
  const capture = listener ? "" : `
;stdout_capture_maxbytes=0     ; bytes kept in capture mode; 0 disables it (default 0)`;
  const stderrCapture = listener ? "" : `
;stderr_capture_maxbytes=0     ; bytes kept in capture mode; 0 disables it (default 0)`;
  const redirect = listener
    ? ";redirect_stderr=false         ; must stay false for event listeners"
    : ";redirect_stderr=false         ; true sends stderr into the stdout log (default false)";
  return `;process_name=%(program_name)s ; name of each process; needs %(process_num)s if numprocs > 1
;numprocs=1                    ; how many copies to run (default 1)
;numprocs_start=0              ; first %(process_num)s value (default 0)
;directory=/tmp                ; chdir here before exec (default: no chdir)
;umask=022                     ; umask of the process (default: inherited)
;priority=${String(priority).padEnd(21)}; lower starts earlier and stops later (default ${priority})
;autostart=true                ; start when supervisord starts (default true)
;startsecs=1                   ; seconds it must stay up to count as started (default 1)
;startretries=3                ; failed starts in a row before giving up (default 3)
;autorestart=unexpected        ; true, false or unexpected (default unexpected)
;exitcodes=0                   ; exit codes that count as expected (default 0)
;stopsignal=TERM               ; signal sent to stop it (default TERM)
;stopwaitsecs=10               ; seconds to wait before SIGKILL (default 10)
;stopasgroup=false             ; signal the whole process group on stop (default false)
;killasgroup=false             ; SIGKILL the whole process group (default: same as stopasgroup)
;user=nobody                   ; run as this account (default: supervisord's own)
${redirect}
;stdout_logfile=AUTO           ; stdout log path, AUTO or NONE (default AUTO)
;stdout_logfile_maxbytes=50MB  ; rotate at this size; 0 never rotates (default 50MB)
;stdout_logfile_backups=10     ; rotated stdout logs to keep (default 10)${capture}
;stdout_events_enabled=false   ; emit an event for each stdout write (default false)
;stdout_syslog=false           ; copy stdout to syslog (default false)
;stderr_logfile=AUTO           ; stderr log path, AUTO or NONE (default AUTO)
;stderr_logfile_maxbytes=50MB  ; rotate at this size; 0 never rotates (default 50MB)
;stderr_logfile_backups=10     ; rotated stderr logs to keep (default 10)${stderrCapture}
;stderr_events_enabled=false   ; emit an event for each stderr write (default false)
;stderr_syslog=false           ; copy stderr to syslog (default false)
;environment=A="1",B="2"       ; variables added to its environment (default none)
;serverurl=AUTO                ; SUPERVISOR_SERVER_URL given to it (default AUTO: computed)
`;
}

const PROGRAMS = `
; A [program:name] section runs and watches one command.  This inactive
; example lists every option; write your own sections for real programs.

;[program:theprogramname]
;command=/bin/cat              ; what to run; a bare name is looked up in PATH (required)
${processOptions(999, false)}
; An [eventlistener:name] section runs a program that receives events on its
; stdin.  It accepts the program options plus the ones shown first here.

;[eventlistener:theeventlistenername]
;command=/bin/eventlistener    ; what to run (required)
;events=PROCESS_STATE          ; comma-separated event types to receive (required)
;buffer_size=10                ; events queued while every listener is busy (default 10)
;result_handler=supervisor.dispatchers:default_handler ; how results are read (default shown)
${processOptions(-1, true)}
; An [fcgi-program:name] section is a program whose processes share one
; listening socket, passed to them as stdin.  It accepts the program options
; plus these.

;[fcgi-program:thefcgiprogramname]
;command=/usr/bin/fcgi-app     ; what to run (required)
;socket=unix:///tmp/%(program_name)s.sock ; unix:///path or tcp://host:port (required)
;socket_backlog=128            ; listen() backlog (default: the system maximum)
;socket_owner=nobody:nogroup   ; owner of a unix socket file (default: the program's user)
;socket_mode=0700              ; permission bits of a unix socket file (default 0700)
;process_name=%(program_name)s_%(process_num)s ; every program option applies here too

; A [group:name] section puts several programs into one group, so they can be
; started and stopped together.

;[group:thegroupname]
;programs=theprogramname,thefcgiprogramname ; the x of each [program:x] to include
;priority=999                  ; lower starts earlier and stops later (default 999)

; [include] reads more config files.  files= takes whitespace- or
; newline-separated paths and glob patterns, relative to this file.  Included
; files cannot include further files.

;[include]
;files = relative/directory/*.ini
`;

/** The complete text `echo_supervisord_conf` prints. */
export const SAMPLE_SUPERVISORD_CONF: string = HEADER + SERVERS + SUPERVISORD +
  CTL + PROGRAMS;
