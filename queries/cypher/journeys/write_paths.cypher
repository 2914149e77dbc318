// Store the conversion paths of a journeys run.
// $params: $rows — each {path, journeys, conversions, conversionRate, medianDaysToConvert,
//          revenue, run}
// returns: nothing
UNWIND $rows AS row
CREATE (:JourneyPath {path: row.path, journeys: row.journeys, conversions: row.conversions,
                      conversionRate: row.conversionRate,
                      medianDaysToConvert: row.medianDaysToConvert, revenue: row.revenue,
                      run: row.run})
