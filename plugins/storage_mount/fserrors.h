/*
 * fserrors: the error counters a filesystem keeps in its superblock.
 *
 * ext4 (which also mounts ext2 and ext3) counts the errors it found and
 * shows them under /sys/fs/ext4/<device>/: errors_count, first_error_time
 * and last_error_time (seconds since the epoch, 0 when none). <device> is
 * the kernel's name of the block device ("sda1", "dm-0", "loop3"), found
 * here from the major:minor number in mountinfo through
 * /sys/dev/block/MAJ:MIN, so /dev/mapper names and UUID= sources work.
 * Reading sysfs never touches the filesystem itself.
 */
#ifndef MS_FSERRORS_H
#define MS_FSERRORS_H

#include <stdbool.h>

struct ms_fs_errors {
	unsigned long long count;
	long long last_time;	/* of the last error, seconds since the epoch; 0: not recorded */
};

/*
 * Reads the counters of the filesystem of type fstype on device
 * major:minor, under sysfs (normally "/sys"). Returns false when the
 * filesystem keeps none (another type, or the files are missing).
 */
bool ms_fs_errors_read(const char *sysfs, const char *fstype, unsigned major,
		       unsigned minor, struct ms_fs_errors *e);

#endif
