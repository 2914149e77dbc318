-- The conversion paths of the last journeys run, most journeys first.
-- $params: none
-- returns: path, journeys, conversions, conversion_rate, median_days_to_convert, revenue, run
SELECT path, journeys, conversions, conversionRate AS conversion_rate,
       medianDaysToConvert AS median_days_to_convert, revenue, run
FROM journey_path
ORDER BY journeys DESC, path
