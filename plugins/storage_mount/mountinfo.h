/*
 * mountinfo: what is mounted where (/proc/self/mountinfo) and what should
 * be (/etc/fstab).
 *
 * A mountinfo line, as proc(5) describes it:
 *
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)         (6)       (7)    (8)(9)   (10)      (11)
 *
 * mount ID, parent ID, major:minor, root of the mount within its
 * filesystem, mount point, per-mount options, zero or more optional fields
 * ended by a lone "-", filesystem type, source, superblock options.
 * The per-mount options (6) and the superblock options (11) differ: a
 * filesystem remounted read-only after errors shows "ro" in (11) while
 * a bind mount of it may still say "rw" in (6).
 *
 * Both files escape space, tab, newline and backslash as octal (\040,
 * \011, \012, \134); the parsers here return the unescaped text.
 *
 * Nothing here touches a mounted filesystem: reading these files never
 * blocks on a hung server.
 */
#ifndef MS_MOUNTINFO_H
#define MS_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct ms_mount {
	int id, parent_id;
	unsigned int major, minor;
	char *root;		/* within the filesystem: "/" unless a bind mount of a subtree */
	char *mount_point;
	char *mount_opts;	/* per-mount: "rw,nosuid,relatime" */
	char *optional;		/* "shared:1 master:2", or "" */
	char *fstype;
	char *source;
	char *super_opts;	/* superblock: "rw,errors=remount-ro" */
};

struct ms_mount_table {
	struct ms_mount *mounts;
	size_t n, cap;
};

/*
 * Parses one line (without its newline, len bytes, may hold no NUL).
 * Returns false with the reason in err for a line that is not mountinfo.
 */
bool ms_mountinfo_parse_line(const char *line, size_t len, struct ms_mount *m,
			     struct ms_buf *err);
void ms_mount_free(struct ms_mount *m);

/* Reads a whole mountinfo file; a malformed line makes it fail, naming the line. */
bool ms_mountinfo_read(const char *path, struct ms_mount_table *t,
		       struct ms_buf *err);
void ms_mount_table_free(struct ms_mount_table *t);

/*
 * The mount that is visible at mount point path (normalized, see
 * ms_path_normalize): of several mounts stacked on the same point, the
 * top one. NULL when path is not a mount point.
 */
const struct ms_mount *ms_mount_at(const struct ms_mount_table *t, const char *path);

/*
 * The mount whose mount point is the longest prefix of path: the
 * filesystem path lives on when it is not a mount point itself.
 */
const struct ms_mount *ms_mount_containing(const struct ms_mount_table *t,
					   const char *path);

/* true when m is an autofs trigger with nothing mounted on top of it yet. */
bool ms_mount_is_idle_autofs(const struct ms_mount_table *t, const struct ms_mount *m);

/* One /etc/fstab entry. */
struct ms_fstab_entry {
	char *spec;		/* "filer2:/export/mail", "UUID=...", "tmpfs" */
	char *file;		/* the mount point as written */
	char *mount_point;	/* file normalized (ms_path_normalize); NULL: none ("swap") */
	char *vfstype;		/* "nfs", "ext4,ext3", "auto" */
	char *opts;		/* "defaults" when the field is missing */
	int line;		/* line number, for messages */
};

struct ms_fstab {
	struct ms_fstab_entry *entries;
	size_t n, cap;
	int *skipped;		/* lenient parsing: numbers of the lines skipped */
	size_t nskipped, cap_skipped;
};

/*
 * Parses fstab text: blank lines and lines starting with '#' are skipped,
 * fields are separated by blanks, the options field defaults to
 * "defaults". Fails on a line with fewer than three fields.
 */
bool ms_fstab_parse(const char *text, size_t len, struct ms_fstab *f,
		    struct ms_buf *err);
bool ms_fstab_read(const char *path, struct ms_fstab *f, struct ms_buf *err);

/*
 * As mount(8) reads fstab: a line it cannot parse is skipped (its number
 * kept in f->skipped) instead of failing the whole file. Fails only when
 * the file cannot be read.
 */
void ms_fstab_parse_lenient(const char *text, size_t len, struct ms_fstab *f);
bool ms_fstab_read_lenient(const char *path, struct ms_fstab *f, struct ms_buf *err);
void ms_fstab_free(struct ms_fstab *f);

/* The last entry for mount point path (mount(8) also takes the last), or NULL. */
const struct ms_fstab_entry *ms_fstab_find(const struct ms_fstab *f, const char *path);

/*
 * Finds option name in a comma-separated list ("rw,errors=remount-ro").
 * With value non-NULL, *value gets a new string with what follows '='
 * ("" when nothing does). Returns false when the option is not there.
 */
bool ms_opt_find(const char *opts, const char *name, char **value);

/* true when type is one of the comma-separated types in list. */
bool ms_type_in_list(const char *type, const char *list);

/*
 * Does a mount of type actual satisfy the comma-separated wanted list
 * (from --fstype or fstab)? "auto" takes anything; "nfs" also takes nfs4
 * (mount -t nfs negotiates the version); "fuse" takes "fuse.<helper>".
 */
bool ms_fstype_matches(const char *actual, const char *wanted);

/*
 * Is a mount from source actual the wanted one? Trailing slashes do not
 * count ("filer:/export/" is "filer:/export"); UUID=, LABEL=, PARTUUID=,
 * PARTLABEL= and /dev paths are compared as the device node they name
 * (resolved within /dev only: never through what could be a hung mount).
 */
bool ms_source_matches(const char *actual, const char *wanted);

/*
 * Decodes the octal escapes of mountinfo and fstab ("\040" -> ' ') in
 * the n bytes at s into a new string. Anything else is kept as it is.
 */
char *ms_unescape_octal(const char *s, size_t n);

/*
 * An absolute path in the form mountinfo uses: "//srv/./mail/" ->
 * "/srv/mail". Returns a new string, or NULL when path is not absolute
 * or has a ".." component (resolving it would need the filesystem, which
 * may be the hung one).
 */
char *ms_path_normalize(const char *path);

#endif
