/*
 * atomicfile: replacing a published file so no reader sees half of it.
 *
 * The new contents go to a temporary file in the same directory, are
 * fsynced, and the file is renamed over the old one; then the directory
 * is fsynced so the rename survives a crash. A file whose contents would
 * not change is left alone (its mtime stays, so HTTP caches stay valid).
 * A run killed before the rename leaves its temporary file (a dot file
 * marked ".mailstatus-publish-") beside the old one, which is intact; the
 * next run removes it (pub_remove_stale_temps).
 */
#ifndef PUB_ATOMICFILE_H
#define PUB_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Writes data to dir/relpath (creating missing directories under dir).
 * *changed tells whether the file was replaced. On failure the old file
 * is intact and err says why.
 */
bool pub_write_atomic(const char *dir, const char *relpath, const void *data,
		      size_t len, bool *changed, struct ms_buf *err);

/*
 * A batch of writes: between begin and commit, pub_write_atomic writes a
 * changed file's temporary file and starts its write-back, and the commit
 * fsyncs them, renames them in the order they were written, then fsyncs
 * each directory once: a site of many pages waits for the disk about
 * once, not twice a page. Each file is still replaced atomically; the
 * files of a batch appear together at the commit (so a page linked from
 * another goes into an earlier batch). A kill before the commit leaves
 * the old files and the temporary ones (pub_remove_stale_temps). On a
 * failed commit the files not yet renamed stay as they were; abort drops
 * what the batch holds, and so does a begin. One batch at a time (the
 * program is one thread).
 */
void pub_write_batch_begin(void);
bool pub_write_batch_commit(struct ms_buf *err);
void pub_write_batch_abort(void);

/*
 * Removes the temporary files of pub_write_atomic that a run killed
 * before its rename left in dir, only those of files whose names start
 * with prefix if it is not NULL; returns how many. Only under the lock of
 * the store that owns them: another run's temporary files are not stale
 * (a store's directory may hold other stores: give their prefix).
 */
size_t pub_remove_stale_temps(const char *dir, const char *prefix);

/* mkdir -p, mode 0755. */
bool pub_mkdirs(const char *path, struct ms_buf *err);

#endif
