/*
 * import_ref_old.c — compiles the frozen copies of the old reading path
 * (the .inc files of tests/unit/ref, see ref/ref_old.h) with their external names
 * prefixed ref_, so that they link beside today's code.
 */
#include "ref/ref_old.h"

#define utf8_valid ref_utf8_valid
#define utf8_len ref_utf8_len
#define utf8_nfc ref_utf8_nfc
#define utf8_clean_name ref_utf8_clean_name
#define utf8_fold ref_utf8_fold
#include "ref/utf8_old.inc"

#define csv_reader ref_csv_reader
#define csv_open ref_csv_open
#define csv_open_mem ref_csv_open_mem
#define csv_next ref_csv_next
#define csv_delimiter ref_csv_delimiter
#define csv_close ref_csv_close
#include "ref/csv_old.inc"

#define member_field_names ref_member_field_names
#define member_column_required ref_member_column_required
#define member_columns_map ref_member_columns_map
#define member_nfc ref_member_nfc
#define member_value_normalize ref_member_value_normalize
#define member_record_from_row ref_member_record_from_row
#include "ref/member_columns_old.inc"

#define quality_rules_free ref_quality_rules_free
#define quality_rules_load ref_quality_rules_load
#define quality_message ref_quality_message
#define quality_rule_info ref_quality_rule_info
#define quality_rule_count ref_quality_rule_count
#define quality_check_record ref_quality_check_record
#include "ref/quality_old.inc"

#define imp_queue_init ref_imp_queue_init
#define imp_queue_release ref_imp_queue_release
#define imp_take ref_imp_take
#define imp_give_back ref_imp_give_back
#define imp_unit_hash ref_imp_unit_hash
#define imp_unit_find ref_imp_unit_find
#define imp_reader_run ref_imp_reader_run
#include "ref/import_read_old.inc"
