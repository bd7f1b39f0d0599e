/* SPDX-License-Identifier: MIT */
/* Kernel-derived records: each field's value from the device's features and size limits, as a
 * table of rules (which features a field needs, what it takes then), for every schema */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethtool.h"
#include "schema.h"

/* What a field takes when its rule holds. */
typedef enum KernelValue {
        KERNEL_CONST,           /* KernelRule.value */
        KERNEL_ENCAPSULATION,   /* the device's framing: the connection record's Encapsulation */
        KERNEL_MAX_SIZE,        /* KernelInput.max_size: tso_max_size or gso_max_size */
        _KERNEL_VALUE_MAX,
} KernelValue;

/* One rule: field @field takes @kind (OR-ed with the field's other rules that hold) when the
 * device is Ethernet if @ether, has every feature of @all, and at least one of @any (if any). */
typedef struct KernelRule {
        uint16_t field;
        bool ether;
        uint32_t all;           /* FEATURE_BIT() mask */
        uint32_t any;           /* FEATURE_BIT() mask, 0: no such condition */
        KernelValue kind;
        uint32_t value;         /* KERNEL_CONST */
} KernelRule;

/* What a derivation reads of one device. */
typedef struct KernelInput {
        uint32_t features;      /* FEATURE_BIT() mask: available|active (hardware), active (current) */
        unsigned short type;    /* ARPHRD_* */
        uint32_t max_size;      /* the largest TSO/GSO packet; 0: not known */
} KernelInput;

/* The rules of @s (NULL for a schema without kernel rules), their count in *ret_n. */
const KernelRule *kernel_rules(const RecordSchema *s, size_t *ret_n);

/* Derives a record of @s from @in by its rules: every field without a rule that holds is 0.
 * Pure. */
void kernel_derive(const RecordSchema *s, const KernelInput *in, RecordValue *ret);

/* Whether a rule of @s gives @field a value from any of @features (FEATURE_BIT() mask), the
 * framing's included: whether those features can feed the field. Pure. */
bool kernel_feeds(const RecordSchema *s, size_t field, uint32_t features);

/* The largest TSO/GSO packet when the kernel does not say (GSO_LEGACY_MAX_SIZE). */
#define KERNEL_LEGACY_MAX_SIZE 65536u

/* A NIC's two records of @s: hardware from what it can turn on (available or active) with
 * @tso_max_size, current config from what is on with @gso_max_size (SPEC 3, 12). A limit of 0
 * (an old kernel) falls back to the other, then to KERNEL_LEGACY_MAX_SIZE. */
void kernel_derive_records(const RecordSchema *s, const NicFeatures *features, unsigned short type,
                           uint32_t tso_max_size, uint32_t gso_max_size, RecordValue *ret_hw,
                           RecordValue *ret_cur);
