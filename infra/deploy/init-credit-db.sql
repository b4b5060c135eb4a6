-- The service's own database and role, beside Temporal's databases on the same server.
CREATE ROLE credit LOGIN PASSWORD 'credit';
CREATE DATABASE credit_procedures OWNER credit;
