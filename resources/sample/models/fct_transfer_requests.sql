{% set response_window_days = 3 %}
{{ config(
    materialized='partitioned',
    partition_by='request_date',
    layer='marts',
    lookback_days=response_window_days,
    unique_key='request_id',
    description='One row per transfer request with the pitches it got within 72 hours.'
) }}
-- A request is answered by agents' pitches over the following days. To give each
-- partition a FINAL result we only count what happens within a fixed window after the
-- request: pitches sent, and pitch views, less than response_window_days (72 hours)
-- after created_at. Events of request day R in that window have event dates up to
-- R + 3, so partition R reads stg_activity partitions R … R + 3: lookback_days = window.
-- (Their own lateness, 2 days, is stg_activity's: the runner chains it, so partition R
-- is final once arrival day R + 5 has landed.)

with requests as (
    select
        request_id,
        event_date as request_date,
        event_ts as created_at,
        club_id,
        user_id as requested_by_user_id,
        -- NULL for a request for an open position rather than a named player.
        player_id
    from {{ ref('stg_activity') }}
    where event_type = 'transfer_request_created'
      and event_date >= date '{{ start_ds }}'
      and event_date < date '{{ end_ds }}'
    -- A request is created once; should a second creation event ever appear, the
    -- first one defines it.
    qualify row_number() over (partition by request_id order by event_ts, event_id) = 1
),

later_events as (
    -- Only the event days the window can reach, so a partition reads a few days.
    select event_type, event_ts, request_id, pitch_id
    from {{ ref('stg_activity') }}
    where event_type in ('pitch_sent', 'pitch_viewed')
      and event_date >= date '{{ start_ds }}'
      and event_date < date '{{ end_ds }}' + {{ response_window_days }}
),

pitches as (
    select
        r.request_id,
        e.pitch_id,
        min(e.event_ts) as pitched_at
    from requests r
    join later_events e
      on e.request_id = r.request_id
     and e.event_type = 'pitch_sent'
     and e.event_ts >= r.created_at
     and e.event_ts < r.created_at + interval {{ response_window_days }} day
    group by r.request_id, e.pitch_id
),

viewed_pitches as (
    -- A pitch may be opened several times, by several colleagues: count it once.
    select distinct
        p.request_id,
        p.pitch_id
    from pitches p
    join requests r on r.request_id = p.request_id
    join later_events e
      on e.pitch_id = p.pitch_id
     and e.event_type = 'pitch_viewed'
     and e.event_ts < r.created_at + interval {{ response_window_days }} day
),

per_request as (
    select
        p.request_id,
        count(*) as pitches,
        count(v.pitch_id) as pitches_viewed,
        min(p.pitched_at) as first_pitch_at
    from pitches p
    left join viewed_pitches v on v.request_id = p.request_id and v.pitch_id = p.pitch_id
    group by p.request_id
)

select
    r.request_id,
    r.request_date,
    r.created_at,
    r.club_id,
    r.player_id,
    r.requested_by_user_id,
    coalesce(pr.pitches, 0) as pitches,
    coalesce(pr.pitches_viewed, 0) as pitches_viewed,
    pr.first_pitch_at,
    -- Minutes to the first pitch, to the millisecond; NULL when no pitch came in the window.
    round(date_diff('millisecond', r.created_at, pr.first_pitch_at) / 60000.0, 2) as first_response_minutes
from requests r
left join per_request pr on pr.request_id = r.request_id
