#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import: expose it as a function. */
static inline sqlite3_destructor_type spunta_sqlite_transient(void) {
    return (sqlite3_destructor_type)-1;
}
