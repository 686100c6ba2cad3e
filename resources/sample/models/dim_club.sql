{{ config(
    materialized='table',
    layer='core',
    unique_key='club_id',
    description='Clubs as of the latest daily snapshot.'
) }}
-- Each clubs file is a full snapshot of that day, so the newest one is the current
-- state: no need to merge history. A table model is rebuilt whole, from every file
-- of the requested range the executor feeds source('clubs').

with snapshots as (
    select * from {{ source('clubs') }}
),

latest as (
    select *
    from snapshots
    where _arrival_date = (select max(_arrival_date) from snapshots)
)

select
    club_id,
    name as club_name,
    country,
    league,
    tier,
    founded_year,
    _arrival_date as snapshot_date
from latest
