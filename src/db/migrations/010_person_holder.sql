-- 010_person_holder: the unit that keeps the record of a person who holds
-- no membership.  Owned by domain/member.c (person create, visibility) and
-- domain/member_event.c (admission, deletion of a membership).
--
-- A person's visibility follows the units of their memberships.  A person
-- registered but not (yet, or no longer) a member has none: until now such
-- a person was visible to every registrar of the country.  holder_unit_id
-- is that person's unit instead — the unit the registering office chose,
-- by default its own; the unit of the last membership when that is
-- deleted — and is NULL while the person holds a membership, so that the
-- partial index holds only the few people without one and a subtree's
-- list finds them without scanning every person.
ALTER TABLE person ADD COLUMN holder_unit_id BIGINT REFERENCES unit(id);
-- Who registered the people who hold no membership: the unit of the user
-- whose "person.create" the audit chain records, else the root unit.
UPDATE person SET holder_unit_id = COALESCE(
	(SELECT u.unit_id FROM audit a JOIN app_user u ON u.id = a.actor_id
	  WHERE a.action = 'person.create' AND a.object_type = 'person'
	    AND a.object_id = CAST(person.id AS TEXT) ORDER BY a.id LIMIT 1),
	(SELECT v.unit_id FROM unit_version v
	  WHERE v.parent_id IS NULL AND v.valid_to = '9999-12-31' ORDER BY v.unit_id LIMIT 1))
WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.person_id = person.id);
CREATE INDEX person_holder ON person(holder_unit_id) WHERE holder_unit_id IS NOT NULL;
