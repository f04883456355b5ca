/**
 * Drives a command in a pseudo-terminal (python3's pty module): each step
 * types keys, then waits for a text; prints the whole output and the exit
 * code as JSON. Shared by the terminal tests of our ctl.
 *
 * Python counterpart: none (test support).
 * @module
 */

/** Drives argv in a pseudo-terminal: each step sends keys, then waits for text. */
export const DRIVER: string = String.raw`
import fcntl, json, os, pty, select, struct, sys, termios, time
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.execve(spec["argv"][0], spec["argv"], spec["env"])
out = b""
def pump(deadline):
    global out
    r, _, _ = select.select([fd], [], [], max(0, min(0.1, deadline - time.time())))
    if not r:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    out += data
    return bool(data)
failed = None
for send, expect in spec["steps"]:
    mark = len(out)
    if send:
        os.write(fd, send.encode())
    deadline = time.time() + spec["timeout"]
    while expect.encode() not in out[mark:]:
        if time.time() > deadline or not pump(deadline):
            failed = expect
            break
    if failed:
        break
deadline = time.time() + spec["timeout"]
while time.time() < deadline and pump(deadline):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    os.kill(pid, 9)
    done, status = os.waitpid(pid, 0)
while pump(time.time() + 0.2):
    pass
print(json.dumps({"out": out.decode("utf-8", "replace"), "code": os.waitstatus_to_exitcode(status), "failed": failed}))
`;
