-- Store the conversion paths of a journeys run.
-- $params: $rows — each {path, journeys, conversions, conversionRate, medianDaysToConvert,
--          revenue, run}
-- returns: nothing
INSERT INTO journey_path (path, journeys, conversions, conversionRate, medianDaysToConvert,
  revenue, run)
VALUES (:path, :journeys, :conversions, :conversionRate, :medianDaysToConvert, :revenue, :run)
