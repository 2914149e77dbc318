// The conversion paths of the last journeys run, most journeys first.
// $params: none
// returns: path, journeys, conversions, conversion_rate, median_days_to_convert, revenue, run
MATCH (j:JourneyPath)
RETURN j.path AS path, j.journeys AS journeys, j.conversions AS conversions,
       j.conversionRate AS conversion_rate, j.medianDaysToConvert AS median_days_to_convert,
       j.revenue AS revenue, j.run AS run
ORDER BY journeys DESC, path
