/* Linux calls that the Glibc Swift module does not export: epoll and eventfd (HTTP server), inotify (client sync). */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
