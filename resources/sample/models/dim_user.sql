{{ config(
    materialized='table',
    layer='core',
    unique_key='user_id',
    description='App users as of the latest daily snapshot.'
) }}
-- Each users file is a full snapshot; users sign up every day and none leave, so the
-- newest snapshot holds everyone who can appear in the activity.

with snapshots as (
    select * from {{ source('users') }}
),

latest as (
    select *
    from snapshots
    where _arrival_date = (select max(_arrival_date) from snapshots)
)

select
    user_id,
    club_id,
    role,
    email,
    created_at,
    _arrival_date as snapshot_date
from latest
