/* Linux calls that Glibc's Swift module does not export: epoll and eventfd (used by the HTTP server). */
#include <sys/epoll.h>
#include <sys/eventfd.h>
