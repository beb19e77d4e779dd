/*
 * options: check_storage_mount's options, each written once (see plugin.h
 * for the table, optdoc.h for the markup of the texts).
 */
#include "config.h"

#include "options.h"

static const struct ms_option options[] = {
	{ .key = 'p', .name = "path", .arg = "DIR", .flags = MS_OPT_REPEATABLE,
	  .help = "A mount point to check; repeat for several. It must be absolute "
		  "and may not contain *..* (a parent directory).\n\n"
		  "A path that is not mounted and is a regular file or a symlink (not a "
		  "directory the storage could be mounted on) is UNKNOWN: give the mount "
		  "point itself, as */proc/self/mountinfo* lists it." },
	{ .key = OPT_FSTAB, .name = "fstab",
	  .help = "Check every entry of the fstab with a mount point, except swap and "
		  "*noauto* entries (those are checked when also named with *-p*)." },
	{ .key = OPT_FSTAB_FILE, .name = "fstab-file", .arg = "PATH",
	  .help = "The fstab to read (default *" DEFAULT_FSTAB "*); mounts named with "
		  "*-p* are compared with it too when it lists them.\n\n"
		  "A missing *" DEFAULT_FSTAB "* is then no error, and a line of *"
		  DEFAULT_FSTAB "* that cannot be parsed is skipped, as *mount*(8) does "
		  "(with *-v* the long output names it). With *--fstab* or an explicit "
		  "*--fstab-file*, such a line is an error (UNKNOWN). For tests and "
		  "chroots." },
	{ .key = OPT_TYPE, .name = "type", .arg = "LIST",
	  .help = "With *--fstab*: only entries of one of these comma-separated types "
		  "(*nfs,nfs4,cifs*)." },
	{ .key = OPT_FSTYPE, .name = "fstype", .arg = "LIST",
	  .help = "The type each mount must have, one of the comma-separated _LIST_." },
	{ .key = OPT_SOURCE, .name = "source", .arg = "SPEC",
	  .help = "What each mount must be mounted from, e.g. *filer2:/export/mail*. "
		  "A trailing slash does not count." },
	{ .key = OPT_RW, .name = "rw",
	  .help = "Each mount must be writable. This is the default for mounts whose "
		  "fstab entry does not say *ro*." },
	{ .key = OPT_PROBE_TIMEOUT, .name = "probe-timeout", .arg = "DURATION",
	  .help = "How long the probe of one mount (statfs, stat, sentinel and write "
		  "test) may take; all probes run at once. Default: 80% of *-t*, and it "
		  "must be shorter than *-t*, so that stuck probes can still be reported "
		  "in time." },
	{ .key = OPT_STATE_DIR, .name = "state-dir", .arg = "DIR",
	  .help = "Where probes left stuck are remembered, one small file per mount "
		  "point (default *" DEFAULT_STATE_DIR "-*_UID_, with the real user id, "
		  "so that a directory root created by running the plugin by hand does "
		  "not lock out the monitoring user).\n\n"
		  "It is created with mode 0700 when missing; a symlink, a directory of "
		  "another user or one that others may write to is refused. When it "
		  "cannot be used, the mounts are still checked and the verdict is "
		  "theirs: the problem is a line of long output, and stuck probes are "
		  "then not remembered across runs." },
	{ .key = OPT_SENTINEL, .name = "sentinel", .arg = "RELPATH",
	  .help = "A regular file, relative to the mount point, that must exist on the "
		  "mounted filesystem, e.g. *.mailstore*. It is not followed if it is a "
		  "symlink." },
	{ .key = OPT_SENTINEL_CONTENT, .name = "sentinel-content", .arg = "STRING",
	  .help = "What the sentinel must say; trailing blanks and newlines do not "
		  "count." },
	{ .key = OPT_AUTOFS_IDLE_OK, .name = "autofs-idle-ok",
	  .help = "Accept an automount that is not mounted yet, instead of triggering "
		  "it." },
	{ .key = OPT_WRITE_TEST, .name = "write-test", .arg = "SUBDIR",
	  .flags = MS_OPT_ARG_OPTIONAL, .value_var = "write_test_dir",
	  .help = "Create, write, fsync, read back, compare and remove a file in the "
		  "mount point, or in _SUBDIR_ below it (note the *=*).\n\n"
		  "The file is named *.mailstatus-write-test.*_host_*.*_pid_*.*_random_; "
		  "it is created with *O_EXCL* and *O_NOFOLLOW*, and the directory is "
		  "reached without following symlinks and must be on the mount itself, "
		  "so a planted symlink cannot redirect the write." },
	{ .key = OPT_FREE_WARNING, .name = "free-warning", .arg = "LIMIT",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_FREE_CRITICAL, .name = "free-critical", .arg = "LIMIT",
	  .help = "Free space below _LIMIT_ is WARNING or CRITICAL: a percentage "
		  "(*10%*) or a size such as *50G*.\n\n"
		  "A size takes an optional binary suffix *K*, *M*, *G*, *T*, *P* (also "
		  "written *GB* or *GiB*): *50G* is 50 * 1024^3 bytes." },
	{ .key = OPT_INODE_WARNING, .name = "inode-warning", .arg = "LIMIT",
	  .flags = MS_OPT_WITH_NEXT },
	{ .key = OPT_INODE_CRITICAL, .name = "inode-critical", .arg = "LIMIT",
	  .help = "Free inodes below _LIMIT_ (a percentage or a count) is WARNING or "
		  "CRITICAL. Filesystems that report no inodes are not checked." },
	{ 0 },
};

const struct ms_optset storage_mount_options = {
	.options = options,
	.synopsis = "-p DIR [-p DIR ...] | --fstab [--type=LIST] [--fstab-file=PATH] "
		    "[--fstype=LIST] [--source=SPEC] [--rw] [--probe-timeout=DURATION] "
		    "[--state-dir=DIR] [--sentinel=RELPATH [--sentinel-content=STRING]] "
		    "[--autofs-idle-ok] [--write-test[=SUBDIR]] "
		    "[--free-warning=LIMIT] [--free-critical=LIMIT] "
		    "[--inode-warning=LIMIT] [--inode-critical=LIMIT]",
};
