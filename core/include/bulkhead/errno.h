/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Hypervisor-internal error codes; functions return them negated. */
#define BH_EINVAL    1
#define BH_ENOMEM    2
#define BH_EEXIST    3
#define BH_ERANGE    4
#define BH_ETIMEDOUT 5
#define BH_EIO	     6
#define BH_ENODEV    7
#define BH_ENOTSUP   8
