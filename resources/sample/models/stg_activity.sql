{{ config(
    materialized='partitioned',
    partition_by='event_date',
    layer='staging',
    lookback_days=2,
    unique_key='event_id',
    description='App activity events, typed and deduplicated, one partition per UTC event day.'
) }}
-- Raw activity lands by ARRIVAL date; analysts think in EVENT dates. The executor
-- feeds source('activity') the arrival days from start_ds - 2 to the partition's day + 2
-- (lookback_days=2: devices sync up to two days late), so every event of this day
-- that can arrive at all is in the input. Bad lines never get here: source() keeps
-- the good rows only and the pipeline quarantines the rest.

with arrived as (
    select
        *,
        -- event_ts is a UTC TIMESTAMP (sources.yml), so its date is the UTC event day.
        cast(event_ts as date) as event_date,
        -- Lineage without the lake's absolute path, so it survives moving the lake
        -- and archiving the file (archive/ keeps the dt=… folder and the name).
        regexp_extract(_file, '(dt=[0-9-]+[/\\][^/\\]+)$', 1) as source_file
    from {{ source('activity') }}
),

in_partition as (
    select *
    from arrived
    where event_date >= date '{{ start_ds }}'
      and event_date < date '{{ end_ds }}'
),

deduplicated as (
    -- A client retry delivers the same event again, byte for byte, possibly on a later
    -- day: keep the copy that arrived first. The remaining columns only break ties
    -- between copies that differ, so a re-run always picks the same row.
    select *
    from in_partition
    qualify row_number() over (
        partition by event_id
        order by _arrival_date, source_file, event_ts, event_type, user_id, club_id
    ) = 1
)

select
    event_id,
    event_type,
    event_ts,
    event_date,
    user_id,
    club_id,
    player_id,
    request_id,
    pitch_id,
    search_query,
    session_id,
    device,
    _arrival_date as arrival_date,
    -- 0 for on-time events; how late an event came shows how much lookback is needed.
    cast(_arrival_date - event_date as integer) as arrival_delay_days,
    source_file
from deduplicated
