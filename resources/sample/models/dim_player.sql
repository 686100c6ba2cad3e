{{ config(
    materialized='table',
    layer='core',
    unique_key='player_id',
    description='Players as of the latest daily snapshot: current club, market value and contract.'
) }}
-- Each players file is a full snapshot (transfers and market values change daily):
-- the newest one is the current state.

with snapshots as (
    select * from {{ source('players') }}
),

latest as (
    select *
    from snapshots
    where _arrival_date = (select max(_arrival_date) from snapshots)
)

select
    player_id,
    name as player_name,
    birth_date,
    nationality,
    position,
    club_id,
    market_value_eur,
    contract_until,
    _arrival_date as snapshot_date
from latest
