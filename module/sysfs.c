// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/seqstate/: host-wide values, one per file.
 *
 *   states/<state>/current	sockets in <state> now, all namespaces (the gauge "now")
 *   states/<state>/entered	sockets that entered <state> since load, all namespaces
 *   states/<state>/oldest_age_ms  age in <state> of the oldest socket in it (durations=1)
 *   durations			/proc/net/seqstate/durations, host-wide (durations=1)
 *   memory_bytes		memory seqstate allocated and holds (counters, listener list)
 *   isn/			the ISN generator (isn_sysfs.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/time64.h>
#include "counters.h"
#include "durations.h"
#include "durations_proc.h"
#include "isn_sysfs.h"
#include "records.h"
#include "sysfs.h"

enum seqstate_state_value {
	SEQSTATE_VALUE_NOW,
	SEQSTATE_VALUE_ENTERED,
	SEQSTATE_VALUE_OLDEST,
};

struct seqstate_state_attr {
	struct kobj_attribute kattr;
	int state;
	enum seqstate_state_value value;
};

/* One directory per state; static, so sysfs needs no lockdep key of its own. */
struct seqstate_state_dir {
	struct seqstate_state_attr now, entered, oldest;
	struct attribute *attrs[4];
	struct attribute_group group;
};

static struct seqstate_state_dir seqstate_state_dirs[SEQSTATE_NR_REPORTED];
static const struct attribute_group *seqstate_state_groups[SEQSTATE_NR_REPORTED + 1];
static struct kobject *seqstate_kobj;
static struct kobject *seqstate_states_kobj;

static ssize_t seqstate_state_show(struct kobject *kobj, struct kobj_attribute *kattr,
				   char *buf)
{
	const struct seqstate_state_attr *attr =
		container_of(kattr, struct seqstate_state_attr, kattr);
	struct seqstate_durations_snapshot *d;
	struct seqstate_snapshot *snap;
	ssize_t len;

	if (attr->value == SEQSTATE_VALUE_OLDEST) {
		d = seqstate_durations_get(NULL);
		if (!d)
			return -ENOMEM;
		len = sysfs_emit(buf, "%llu\n", div_u64(d->oldest_ns[attr->state], NSEC_PER_MSEC));
		kfree(d);
		return len;
	}
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	seqstate_read(NULL, snap);
	if (attr->value == SEQSTATE_VALUE_NOW)
		len = sysfs_emit(buf, "%lld\n", snap->now[attr->state]);
	else
		len = sysfs_emit(buf, "%llu\n", snap->entered[attr->state]);
	kfree(snap);
	return len;
}

static ssize_t durations_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct seqstate_durations_snapshot *d = seqstate_durations_get(NULL);
	int i, s, len;

	if (!d)
		return -ENOMEM;
	len = seqstate_durations_line(buf, PAGE_SIZE, NULL, 0);
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (s != TCP_CLOSE)
			len += seqstate_durations_line(buf + len, PAGE_SIZE - len, d, s);
	}
	kfree(d);
	return len;
}

static struct kobj_attribute seqstate_durations_attr = __ATTR_RO(durations);

static ssize_t memory_bytes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", seqstate_memory_bytes());
}

static struct kobj_attribute seqstate_memory_attr = __ATTR_RO(memory_bytes);

static void seqstate_state_attr_fill(struct seqstate_state_attr *attr, const char *name,
				     int state, enum seqstate_state_value value)
{
	attr->state = state;
	attr->value = value;
	attr->kattr.attr.name = name;
	attr->kattr.attr.mode = 0444;
	attr->kattr.show = seqstate_state_show;
}

static void seqstate_state_dirs_fill(void)
{
	int i;

	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		struct seqstate_state_dir *dir = &seqstate_state_dirs[i];
		int state = seqstate_state_order[i];

		/* The gauge now, in a file users already read as "current". */
		seqstate_state_attr_fill(&dir->now, "current", state, SEQSTATE_VALUE_NOW);
		seqstate_state_attr_fill(&dir->entered, "entered", state, SEQSTATE_VALUE_ENTERED);
		seqstate_state_attr_fill(&dir->oldest, "oldest_age_ms", state,
					 SEQSTATE_VALUE_OLDEST);
		dir->attrs[0] = &dir->now.kattr.attr;
		dir->attrs[1] = &dir->entered.kattr.attr;
		/* CLOSE is not timed. */
		if (seqstate_timing_on() && state != TCP_CLOSE)
			dir->attrs[2] = &dir->oldest.kattr.attr;
		dir->group.name = seqstate_state_name(state);
		dir->group.attrs = dir->attrs;
		seqstate_state_groups[i] = &dir->group;
	}
}

int seqstate_sysfs_init(void)
{
	int err = -ENOMEM;

	seqstate_state_dirs_fill();
	seqstate_kobj = kobject_create_and_add("seqstate", kernel_kobj);
	if (!seqstate_kobj)
		return -ENOMEM;
	err = sysfs_create_file(seqstate_kobj, &seqstate_memory_attr.attr);
	if (!err && seqstate_timing_on())
		err = sysfs_create_file(seqstate_kobj, &seqstate_durations_attr.attr);
	if (!err)
		err = sysfs_create_group(seqstate_kobj, &seqstate_isn_group);
	if (err)
		goto err_put;
	err = -ENOMEM;
	seqstate_states_kobj = kobject_create_and_add("states", seqstate_kobj);
	if (!seqstate_states_kobj)
		goto err_put;
	err = sysfs_create_groups(seqstate_states_kobj, seqstate_state_groups);
	if (err)
		goto err_put_states;
	return 0;

err_put_states:
	kobject_put(seqstate_states_kobj);
err_put:
	kobject_put(seqstate_kobj);
	return err;
}

void seqstate_sysfs_exit(void)
{
	sysfs_remove_groups(seqstate_states_kobj, seqstate_state_groups);
	kobject_put(seqstate_states_kobj);
	sysfs_remove_group(seqstate_kobj, &seqstate_isn_group);
	if (seqstate_timing_on())
		sysfs_remove_file(seqstate_kobj, &seqstate_durations_attr.attr);
	sysfs_remove_file(seqstate_kobj, &seqstate_memory_attr.attr);
	kobject_put(seqstate_kobj);
}
