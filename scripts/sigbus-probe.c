/* Whether a SIGBUS handler gets the faulting address right on this machine (or under
 * this qemu-user): maps two pages of a file, shrinks the file to 100 bytes, touches the
 * second page and checks si_addr in the handler. Exit 0: the address is right (and the
 * handler repaired the page, as the runtime's does); 1: it is wrong, with both addresses
 * on stderr; the alarm ends a hang. scripts/test-emulated.sh runs it for each target. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *volatile expected;

static void on_sigbus(int sig, siginfo_t *info, void *ctx) {
    (void)sig; (void)ctx;
    char msg[160];
    if ((char *)info->si_addr != expected) {
        int n = snprintf(msg, sizeof msg, "si_addr %p for a fault at %p\n", info->si_addr,
                         (void *)expected);
        if (n > 0) write(2, msg, (size_t)n);
        _exit(1);
    }
    void *page = (void *)((unsigned long)expected & ~(unsigned long)(sysconf(_SC_PAGESIZE) - 1));
    if (mmap(page, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) _exit(2);
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/sigbus-probe-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, 2 * page) != 0) { perror("file"); return 2; }
    unlink(path);
    char *base = mmap(NULL, (size_t)(2 * page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 2; }
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_sigaction = on_sigbus;
    act.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &act, NULL);
    alarm(10);
    expected = base + page + 8;
    if (ftruncate(fd, 100) != 0) { perror("ftruncate"); return 2; }
    expected[0] = 1; /* faults: past the end of the file */
    return expected[0] == 1 ? 0 : 2;
}
