/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Windows time zone names ("W. Europe Standard Time"), as Outlook and
 * Exchange write them into TZID parameters, mapped to IANA zones by the
 * Unicode CLDR table common/supplemental/windowsZones.xml (the entries for
 * territory "001", the zone CLDR names for the Windows zone as a whole). */

/* The IANA zone for a Windows zone name (compared exactly, as CLDR writes
 * it), or NULL when the name is not in the table. */
const char *windows_zone_to_iana(const char *windows_name);
