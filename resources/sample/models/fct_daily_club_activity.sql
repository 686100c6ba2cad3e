{{ config(
    materialized='partitioned',
    partition_by='activity_date',
    layer='marts',
    lookback_days=0,
    unique_key=['club_id', 'activity_date'],
    description='Per club and UTC day: active users and counts of each kind of event.'
) }}
-- One row per club and day that had at least one event. Clubs without activity get
-- no row (their zeros are implicit): a dense grid would need the club list, and the
-- only one we have is the LATEST snapshot, which would make an old partition change
-- whenever a club is added. Join dim_club when you need the zeros.
--
-- The row belongs to the event's club_id: the acting user's club, for agents the club
-- they are affiliated with. So pitches_sent counts pitches sent BY the club's agents,
-- and pitches_viewed pitches opened by the club's staff.
--
-- lookback_days=0: partition D reads stg_activity's partition D only. Late events are
-- stg_activity's business (lookback 2): each restated stg_activity partition restates
-- the same day here, because the runner chains lookbacks through refs.

with events as (
    select club_id, event_date, user_id, event_type
    from {{ ref('stg_activity') }}
    where event_date >= date '{{ start_ds }}'
      and event_date < date '{{ end_ds }}'
)

select
    club_id,
    event_date as activity_date,
    count(distinct user_id) as active_users,
    count(*) filter (where event_type = 'login') as logins,
    count(*) filter (where event_type = 'player_search') as searches,
    count(*) filter (where event_type = 'player_profile_view') as profile_views,
    count(*) filter (where event_type = 'shortlist_add') as shortlist_adds,
    count(*) filter (where event_type = 'transfer_request_created') as transfer_requests,
    count(*) filter (where event_type = 'pitch_sent') as pitches_sent,
    count(*) filter (where event_type = 'pitch_viewed') as pitches_viewed,
    count(*) filter (where event_type = 'message_sent') as messages
from events
group by club_id, event_date
