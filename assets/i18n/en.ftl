app-name = MyCity
tab-home = Home
tab-report = Report
tab-dossier = Dossier
tab-tourism = Explore
sos = SOS
settings = Settings
back = Back

home-welcome = Hello, people of { $city }
home-quick = Quick actions
quick-report = Report a problem
quick-dossier = Check a dossier
quick-tourism = Explore
quick-sos = Emergency call
home-places = Places to see
home-hotlines = Hotlines

search-placeholder = Search places (e.g. dong van)
search-empty = No place found for “{ $query }”.
search-count = { $count ->
    [one] 1 result
   *[other] { $count } results
}

sos-title = Emergency call
sos-subtitle = Tap to call now. These numbers work even without mobile data.
sos-call = Call { $number }
sos-desktop-note = A computer cannot place calls: dial this number on a phone. The link was handed to the operating system.
sos-position-title = Send my position by SMS
sos-position-help = Prepares a text with your coordinates and ward to send to family or rescuers.
sos-locate = Get my position
sos-locating = Finding your position…
sos-no-position = No GPS position yet. The text will name the city only.
sos-outside = The position is outside the city's wards.
sos-open-sms = Open message
sos-manual = Or type coordinates (latitude, longitude)
sos-in-ward = You are in { $ward }

report-title = Report a problem
report-intro = Pick a field to report. Photos, location and follow-up arrive in the next update.
dossier-title = Check a dossier
dossier-intro = Type the dossier code printed on your receipt ({ $system }).
dossier-example = Example: { $example }
dossier-code = Dossier code
dossier-valid = The code is well-formed. Online look-up arrives in the next update.
dossier-invalid = The code does not have the expected format.
tourism-title = Explore { $city }
ticket-free = Free
ticket-price = Ticket: { $price } VND

settings-city = City
settings-language = Language
settings-sync = Data and sync
sync-pack = Data pack version { $version }
sync-source-bundled = Data bundled with the app
sync-source-server = Downloaded from the city's server
sync-source-file = Imported from a file
sync-checked = Last checked: { $age }
sync-never = Not yet in touch with the server
sync-error = Last update failed: { $error }
sync-refresh = Update now
sync-refreshing = Updating…
sync-updated = Updated to version { $version }.
sync-unchanged = Data is up to date.
sync-offline = Cannot reach the server; using stored data.
sync-server = Server: { $url }
sync-no-server = No server configured; using bundled data.
age-just-now = just now
age-minutes = { $n } min ago
age-hours = { $n } h ago
age-days = { $n } days ago
offline-banner = Offline: showing stored data.
error-title = Something went wrong
