// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/seqstate/isn/: the ISN generator host-wide. key and rekey act on the
 * writer's namespace's key with isn_netns_keys, else on the host's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "isn_gen.h"
#include "isn_hook.h"
#include "isn_key.h"
#include "isn_sysfs.h"
#include "parse.h"

static ssize_t key_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			 size_t len)
{
	siphash_key_t key;
	int err;

	err = seqstate_isn_parse_key(buf, len, &key);
	if (err) {
		pr_info_ratelimited("isn/key takes 32 hex digits\n");
		return err;
	}
	err = seqstate_isn_set_key(current->nsproxy->net_ns, &key, "isn/key");
	memzero_explicit(&key, sizeof(key));
	return err ?: len;
}

static ssize_t rekey_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t len)
{
	unsigned int one;
	int err;

	if (seqstate_parse_uint(buf, len, 1, &one) || !one) {
		pr_info_ratelimited("isn/rekey takes 1\n");
		return -EINVAL;
	}
	err = seqstate_isn_set_key(current->nsproxy->net_ns, NULL, "isn/rekey");
	return err ?: len;
}

static ssize_t active_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", seqstate_isn_active());
}

static ssize_t active_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			    size_t len)
{
	unsigned int on;
	int err;

	if (seqstate_parse_uint(buf, len, 1, &on)) {
		pr_info_ratelimited("isn/active takes 0 or 1\n");
		return -EINVAL;
	}
	err = seqstate_isn_set_active(on, "isn/active");
	return err ?: len;
}

static ssize_t rekey_guard_s_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", seqstate_rekey_guard_s());
}

static ssize_t rekey_guard_s_store(struct kobject *kobj, struct kobj_attribute *attr,
				   const char *buf, size_t len)
{
	unsigned int v;

	if (seqstate_parse_uint(buf, len, UINT_MAX, &v)) {
		pr_info_ratelimited("isn/rekey_guard_s takes decimal seconds\n");
		return -EINVAL;
	}
	seqstate_isn_set_rekey_guard(v);
	return len;
}

static ssize_t key_epoch_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_isn_key_epoch());
}

static ssize_t key_changed_at_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", (long long)seqstate_isn_key_changed_at());
}

static ssize_t answered_v4_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_isn_counts_sum(&seqstate_isn_answered).v4);
}

static ssize_t answered_v6_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_isn_counts_sum(&seqstate_isn_answered).v6);
}

static ssize_t tick_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", SEQSTATE_ISN_TICK_NS);
}

static ssize_t clock_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", seqstate_isn_clock());
}

static struct kobj_attribute key_attr = __ATTR_WO(key);
static struct kobj_attribute rekey_attr = __ATTR_WO(rekey);
static struct kobj_attribute active_attr = __ATTR_RW(active);
static struct kobj_attribute rekey_guard_s_attr = __ATTR_RW(rekey_guard_s);
static struct kobj_attribute key_epoch_attr = __ATTR_RO(key_epoch);
static struct kobj_attribute key_changed_at_attr = __ATTR_RO(key_changed_at);
static struct kobj_attribute answered_v4_attr = __ATTR_RO(answered_v4);
static struct kobj_attribute answered_v6_attr = __ATTR_RO(answered_v6);
static struct kobj_attribute tick_ns_attr = __ATTR_RO(tick_ns);
static struct kobj_attribute clock_attr = __ATTR_RO(clock);

static struct attribute *seqstate_isn_attrs[] = {
	&key_attr.attr,
	&rekey_attr.attr,
	&active_attr.attr,
	&rekey_guard_s_attr.attr,
	&key_epoch_attr.attr,
	&key_changed_at_attr.attr,
	&answered_v4_attr.attr,
	&answered_v6_attr.attr,
	&tick_ns_attr.attr,
	&clock_attr.attr,
	NULL
};

const struct attribute_group seqstate_isn_group = {
	.name = "isn",
	.attrs = seqstate_isn_attrs,
};
