// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/seqstate/: host-wide values, one per file.
 *
 *   states/<state>/current	sockets in <state> now, all namespaces (the gauge "now")
 *   states/<state>/entered	sockets that entered <state> since load, all namespaces
 *   memory_bytes		memory seqstate allocated and holds (counters, listener list)
 *   isn/			the ISN generator (isn_sysfs.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "counters.h"
#include "isn_sysfs.h"
#include "sysfs.h"

struct seqstate_state_attr {
	struct kobj_attribute kattr;
	int state;
	bool is_now;
};

/* One directory per state; static, so sysfs needs no lockdep key of its own. */
struct seqstate_state_dir {
	struct seqstate_state_attr now, entered;
	struct attribute *attrs[3];
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
	struct seqstate_snapshot *snap;
	ssize_t len;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	seqstate_read(NULL, snap);
	if (attr->is_now)
		len = sysfs_emit(buf, "%lld\n", snap->now[attr->state]);
	else
		len = sysfs_emit(buf, "%llu\n", snap->entered[attr->state]);
	kfree(snap);
	return len;
}

static ssize_t memory_bytes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", seqstate_memory_bytes());
}

static struct kobj_attribute seqstate_memory_attr = __ATTR_RO(memory_bytes);

static void seqstate_state_attr_fill(struct seqstate_state_attr *attr, const char *name,
				     int state, bool is_now)
{
	attr->state = state;
	attr->is_now = is_now;
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
		seqstate_state_attr_fill(&dir->now, "current", state, true);
		seqstate_state_attr_fill(&dir->entered, "entered", state, false);
		dir->attrs[0] = &dir->now.kattr.attr;
		dir->attrs[1] = &dir->entered.kattr.attr;
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
	sysfs_remove_file(seqstate_kobj, &seqstate_memory_attr.attr);
	kobject_put(seqstate_kobj);
}
