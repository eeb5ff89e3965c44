-- An optional contact address given at signup; never used to authenticate.
ALTER TABLE orgs ADD COLUMN contact_email TEXT;
