-- 009_person_key: the citizen-ID register, owned by domain/member.c with
-- domain/import.c.  A person is found by citizen ID through this table
-- instead of an index on person(citizen_id): the same B-tree (the key and
-- the person's id), but one that a bulk import can fill in key order —
-- sorted in memory, appended at the B-tree's right edge — where an index
-- would be rebuilt by SQLite's sorter from the person table in file order
-- (1 M random keys: 1.1 s against 0.2 s).  The primary key keeps citizen
-- IDs unique; person.citizen_id stays, as the record's own copy, and a
-- change of it moves the key (found by the old ID: no index by person).
CREATE TABLE person_key (
	citizen_id TEXT NOT NULL PRIMARY KEY,
	person_id BIGINT NOT NULL REFERENCES person(id)
){{WITHOUT_ROWID}};
INSERT INTO person_key(citizen_id, person_id)
	SELECT citizen_id, id FROM person WHERE citizen_id IS NOT NULL AND citizen_id <> '';
DROP INDEX person_citizen_id;
