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
report-intro = Pick what you want to report.
report-waiting = Waiting to send ({ $count }): it goes out when there is a network.
report-new = New report
report-mine = My reports
report-change = Change
report-choose = — Choose —
report-description = What is wrong
report-where = Where
report-where-help = Tap the map to place the pin, or use your position.
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-pin = The report's pin (drag to move it)
report-anonymous = Send anonymously
report-name = Full name
report-phone = Phone number
report-contact-private = Only city staff see your name and contact details; they are never published.
report-send = Send report
report-none = You have not sent any report yet.
report-rejected = The city refused it: { $reason }
report-pending = Not sent yet; the app will retry.
report-nearby-title = Already reported nearby
report-nearby-distance = { $m } m away
report-me-too = Me too
report-me-too-default = I see this problem too.
report-reopen = Not fixed? Reopen
report-reopen-placeholder = What it looks like now…
report-reopen-send = Reopen the report
photo-title = Photos ({ $n }/5)
photo-add = Add a photo
photo-working = Preparing the photo…
photo-remove = Remove photo
photo-place = Place taken from the photo; tap the map to change it.
photo-too-large = The photo is { $mb } MB, too large (at most 40 MB).
notice-report = Your report: { $status }. { $comment }
report-bad-coords = Those coordinates are not valid (latitude −90…90, longitude −180…180).
status-queued = Waiting to send
status-rejected = Refused
status-open = Received
status-in_progress = In progress
status-planned = Planned
status-action_scheduled = Action scheduled
status-investigating = Investigating
status-reopen = Reopened
status-fixed = Fixed
status-closed = Closed
status-duplicate = Duplicate
status-not_councils_responsibility = Not the city's responsibility
status-no_further_action = No further action
status-internal_referral = Referred elsewhere
status-cancelled = Cancelled
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
sync-error = The last update did not succeed; it will try again.
sync-refresh = Update now
sync-refreshing = Updating…
sync-updated = Updated to version { $version }.
sync-unchanged = Data is up to date.
sync-offline = Cannot reach the server; using stored data.
sync-server = Server: { $url }
sync-no-server = No server yet: reports wait on this device until you choose one. Bundled data still works.
age-just-now = just now
age-minutes = { $n } min ago
age-hours = { $n } h ago
age-days = { $n } days ago
offline-banner = Offline: showing stored data.
error-title = Something went wrong
sync-server-title = The city's server
sync-server-set = Use this server
sync-server-clear = Forget the chosen server
sync-origin-override = Server given when the app was started.
sync-origin-chosen = Server you chose.
sync-origin-pack = Server named by the city's data.
sync-origin-default = This app's default server.
sync-categories = Report categories updated: { $age }
sync-reachable = Connected to the server.
sync-unreachable = Cannot reach the server; it will try again when online.

## Errors the core returns, by kind; input problems by their code.
error-network = No network connection. Saved on this phone; it will be sent when you are online.
error-server = The city's server answered with an error ({ $status }). Please try again later.
error-server-busy = The server is busy; please try again in { $seconds } seconds.
error-no-server = This city has no server yet; choose one in Settings.
error-storage = Could not save on this device (storage full?).
error-io = Could not read or write a file.
error-invalid-pack = The city's data is damaged; the previous data stays in use.
error-unknown-city = There is no data for this city.
problem-report-too-many-photos = At most { $max } photos per report.
problem-datetime-invalid = “{ $value }” is not a valid date and time.
problem-report-category = Choose a category.
problem-report-description-too-long = The description has { $len } characters; at most { $max }.
problem-report-empty = Describe the problem, or add a photo or a video.
problem-report-no-place = Choose the place on the map.
problem-report-outside-city = The place { $lat }, { $lon } is outside the city.
problem-photo-not-prepared = Photo { $n } was not processed; add it again.
problem-question-missing = Please answer “{ $question }”.
problem-question-invalid = The answer to “{ $question }” does not fit.
problem-contact-email = This is not a valid e-mail address.
problem-contact-too-long = The name or phone number is too long.
problem-update-status = This status cannot be set.
problem-comment-empty = Write a comment.
problem-comment-too-long = A comment has at most { $max } characters.
problem-report-unknown = This report was not found.
problem-reopen-not-allowed = A report in this state cannot be reopened.
problem-report-not-sent = This report has not reached the city yet.
problem-dossier-empty = Type the dossier code.
problem-dossier-too-long = A dossier code has at most { $max } characters.
problem-dossier-shape = “{ $code }” is not a dossier code (for example { $example }).
problem-search-empty = Type at least one letter or digit to search.
problem-near-invalid = A position and a radius above 0 are needed.
problem-server-url = The server address must start with http:// or https://.
problem-server-url-insecure = A server other than this device must use a secure address (https://).
problem-photo-empty = The photo file is empty.
problem-photo-too-large = The photo is { $mb } MB, too large (at most { $max } MB).
problem-photo-heic = HEIC/AVIF photos cannot be read yet; choose a JPEG, PNG or WebP.
problem-photo-not-image = This file is not a photo (JPEG, PNG or WebP needed).
problem-photo-damaged = The photo is damaged or incomplete.
problem-photo-too-many-pixels = The picture is too large ({ $mp } megapixels, at most { $max }).
problem-photo-cmyk = The photo uses CMYK colours (a print file), not a camera photo.
problem-photo-encode = This photo could not be processed.
problem-clip-empty = The video file is empty.
problem-clip-too-large = The video is { $mb } MB, too large (at most { $max } MB).
problem-clip-not-video = This file is not a video clip (MP4 or MOV needed).
problem-clip-damaged = The video is damaged or incomplete.
problem-clip-no-video = This file has no picture, only sound.
problem-clip-codec = This video is in { $codec }, which cannot be sent; record it with the phone's camera (H.264 or HEVC).
problem-clip-too-long = The video lasts { $seconds } s, too long (at most { $max } s); trim it or record a shorter one.
problem-dossier-date = The date { $date } in the dossier code does not exist (YYMMDD, e.g. { $example }).
problem-dossier-future = The date { $date } in the dossier code is still to come; check the code (e.g. { $example }).
problem-dossier-secret = The secret on the receipt is { $min }–{ $max } letters or digits.
problem-dossier-not-found = No dossier with this code and secret.
problem-dossier-not-looked-up = Look the dossier up before watching it.
notice-dossier = Dossier { $code }: { $status }. { $note }
dossier-status-1 = Newly registered
dossier-status-2 = Accepted
dossier-status-3 = Not accepted
dossier-status-4 = Being processed
dossier-status-5 = More papers requested
dossier-status-6 = Payment requested
dossier-status-7 = Withdrawn by the applicant
dossier-status-8 = Processing stopped
dossier-status-9 = Processed
dossier-status-10 = Result returned
dossier-overdue = Overdue
dossier-tab-lookup = Look up
dossier-tab-watched = Watched
dossier-tab-catalogue = Procedures
dossier-secret = Secret (on the receipt)
dossier-lookup = Look up
dossier-looking = Looking up…
dossier-scan = Scan receipt
dossier-scanning = Reading the QR code…
dossier-applicant = Applicant: { $name }
dossier-received = Received: { $date }
dossier-appointment = Result due: { $date }
dossier-missing = Papers to add:
dossier-amount = To pay: { $amount }
dossier-fee-title = Pay by bank transfer
dossier-fee-scan = Scan with any banking app (VietQR): the account, the amount and the content are filled in.
dossier-fee-amount = { $amount } VND
dossier-fee-words = { $words } dong
dossier-fee-bank = Bank
dossier-fee-account = Account number
dossier-fee-holder = Account holder
dossier-fee-reference = Transfer content
dossier-fee-reference-cut = The code holds only the start of the content: add "{ $rest }" when you transfer.
dossier-fee-copy = Copy transfer details
dossier-fee-copied = Transfer details copied.
dossier-fee-paid = I have transferred it
dossier-fee-waiting = You said the fee is transferred: the office confirms it when the money arrives, and the dossier moves on.
dossier-fee-details = Bank: { $bank }
    Account number: { $account }
    Account holder: { $holder }
    Amount: { $amount }
    Content: { $reference }
dossier-updated = Updated { $age }
dossier-watch = Watch this dossier
dossier-unwatch = Stop watching
dossier-watched-empty = No dossier watched yet. Look one up and tap “Watch”.
catalogue-search = Find a procedure
catalogue-placeholder = e.g. building permit
catalogue-field = Field
catalogue-all-fields = All fields
catalogue-loading = Loading the procedure catalogue…
catalogue-none = No procedure catalogue yet (needs the network once).
catalogue-online-full = Fully online public service
catalogue-online-partial = Partly online public service
catalogue-online-none = In person or by post
catalogue-where = Where to file
catalogue-ways = Ways, time limits, fees
catalogue-papers = Papers to bring
catalogue-copies = ({ $originals } original, { $copies } copy)
catalogue-steps = Steps
catalogue-result = Result
catalogue-law = Legal basis
date-today = today, { $time }
date-yesterday = yesterday, { $time }
date-full = { $date }, { $time }
age-updated = updated { $age }
report-description-cut = A description has at most { $max } characters: the last { $n } were not added.
report-description-cut-show = Show what was cut
report-outside-warning = This place is outside the city; choose it again on the map.
report-request-id = Request { $id }
report-more = Show more
report-less = Show less
report-due = Due { $date }
report-overdue = Overdue by { $days ->
    [one] { $days } day
   *[other] { $days } days
}
report-answered-in = Answered in { $days ->
    [one] { $days } day
   *[other] { $days } days
}
sos-dial-mobile = From a mobile dial { $number }
problem-qr-too-long = This text is too long for a QR code ({ $bytes } bytes).
problem-vietqr-bin = A bank's BIN is 6 digits (VietinBank is 970415).
problem-vietqr-account = An account number is 1 to { $max } digits, with no letters.
problem-vietqr-amount = The amount must be more than 0 đồng.
problem-vietqr-invalid = This is not a VietQR bank transfer code.

## How the city answers reports (the public scorecard, issue 16)
scorecard-title = How the city answers reports
scorecard-period = from { $from } to { $to }
scorecard-received = { $n ->
    [one] { $n } report received
   *[other] { $n } reports received
}
scorecard-within = Answered within target
scorecard-first-answer = Time to first answer (median)
scorecard-fixed = Time to fixed (median)
scorecard-satisfied = Satisfied (4–5 stars)
scorecard-reopened = Reopened after being marked done
scorecard-target-share = target { $share }
scorecard-target-days = target { $days }
scorecard-met = Met
scorecard-missed = Missed
scorecard-p90 = 90% within { $days }
scorecard-mean = mean { $mean }/5 over { $n } ratings
scorecard-of-fixed = of { $n } fixed reports
scorecard-percent = { $n }%
scorecard-days = { $n } days
scorecard-months = Answered within target, by month
scorecard-chart = Share of reports answered within target by month; the dashed line is the target
scorecard-chart-legend = Green bars: target met; red: missed; the number under each month is the reports received.
scorecard-worst = Categories doing worst
scorecard-category-detail = { $n } reports · first answer in { $days } (median)
scorecard-none = No figures yet. The first download needs a connection.
scorecard-offline = Could not get new figures; showing the stored ones.
scorecard-stale = These figures are old.
scorecard-refresh = Refresh
scorecard-loading = Loading the figures…
scorecard-open = How the city answers reports
scorecard-method = Counted over the reports received in the period. Answer: the first update by city staff. Fixed: the first time it is marked fixed or closed. Reopened: the reporter said it was not fixed. Satisfied: a rating of 4 or 5 stars.
scorecard-month = { $m ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}

## Air quality (VN_AQI, Decision 1459/QĐ-TCMT)
air-title = Air quality
air-home-title = Air in the city
air-index = AQI { $aqi }
air-dominant = Main pollutant: { $pollutant }
air-station-at = { $station }
air-age = Reading { $age }
air-stale = Old reading (over 3 hours)
air-no-index = No index yet
air-no-stations = The city has no air-quality station yet.
air-see-all = All stations
air-method = Hourly VN_AQI per Decision 1459/QĐ-TCMT of the Vietnam Environment Administration; data from the city's automatic monitoring stations.
air-detail = Index of each pollutant
air-coords = Coordinates { $lat }, { $lon }
air-band-good = Good
air-band-moderate = Moderate
air-band-poor = Poor
air-band-bad = Bad
air-band-very-bad = Very bad
air-band-hazardous = Hazardous
air-advice-good = Good air: enjoy outdoor activities.
air-advice-moderate = Acceptable. Sensitive people (elderly, children, people with breathing or heart conditions) should watch for coughing or shortness of breath outdoors.
air-advice-poor = Sensitive people should cut strenuous activity and time outdoors; others with sore eyes, cough or sore throat should go out less.
air-advice-bad = Everyone should reduce strenuous outdoor activity and rest indoors more; sensitive people should stay inside, and wear a proper mask if they must go out.
air-advice-very-bad = Avoid going outside and move activities indoors; wear a proper mask if you must go out.
air-advice-hazardous = Everyone should stay indoors with doors and windows closed; wear a proper mask if you must go out.
problem-aqi-negative = The { $pollutant } concentration cannot be negative.
problem-aqi-not-a-number = A concentration must be a number.
problem-aqi-no-particles = No index yet: PM2.5 or PM10 is needed (for an hourly index, at least 2 of the 3 latest hours).
problem-air-no-data = No readings from this station yet.
problem-aqi-input = The input does not read: { $detail }

## Alerts, announcements and consultations
problem-cap-invalid = This is not a valid CAP 1.2 alert: { $reason }
problem-ward-unknown = There is no ward “{ $code }” in this city.
problem-transport-feed-missing = The city pack's bus timetable lacks { $file }; the pack in use is kept.
problem-transport-feed-invalid = The city pack's bus timetable is broken in { $file }; the pack in use is kept.
problem-transport-time = The device's clock is not valid, so bus times cannot be worked out.
problem-survey-unknown = This survey is not available; refresh and try again.
problem-survey-closed = This survey has closed; its results show once published.
problem-survey-answered = You have already answered this survey on this device.
problem-survey-answer = Check this answer: { $reason }
problem-receipt-no-qr = No QR code found in the picture; take a clearer one or type the dossier code.
problem-receipt-not-dossier = This QR code is not a dossier receipt ({ $text }).

## Tourism (issue 10)
problem-plan-budget = Free time must be between { $min } minutes and { $max_hours } hours.
problem-plan-start-outside = The start lies outside { $city }; pick a point in the city.
problem-plan-hours-unreadable = Type your free time in hours, for example 3 or 1.5.
problem-plan-start-unknown = This starting place was not found; choose another.
problem-tour-unknown = No tour “{ $id }” in this city.
problem-site-qr-foreign = This QR code is not a MyCity site code.
problem-site-qr-none = No QR code found in the picture; take a closer, sharper photo of the plate or poster.
problem-site-qr-malformed = The site code is incomplete or malformed.
problem-site-qr-other-city = This code is for a site in { $city }. Switch to { $city } to see it.
problem-site-qr-too-long = Could not make a QR code for this site.
problem-site-unknown = No site “{ $id }” in this city (the city data may be older than the code).
problem-rating-stars = Choose 1 to 5 stars.
problem-rating-comment-long = The comment has { $len } characters; at most { $max }.
place-open = Open now
place-closed = Closed now
place-hours = Opening hours: { $hours }
place-visit = A visit takes about { $minutes } minutes
place-approximate = For reference only; check before you go.
place-narration = Narration
place-listen = Listen
place-rate = Rate this place
place-rating = { $average }/5 from { $count } ratings
place-comment = What you thought (optional)
place-rate-send = Send rating
place-rate-sent = Your rating was sent.
place-rate-waiting = Rating saved; it will be sent when online.
alerts-title = Alerts
alerts-none = No alert is in force.
alerts-until = in force until { $when }
alerts-elsewhere = another area
alerts-all = See every alert

# Tourism: guide, tours, events, planner, scanning
tours-title = Suggested tours
tour-meta = { $stops } stops · about { $hours } h
tour-stop-minutes = About { $minutes } minutes here
events-title = Events this week
events-none = No events this week.
events-today = Today
events-where = See the place
events-tour = Tour with it: { $tour }
scan-site = Scan a QR code
scan-working = Reading the code…
browse-title = All places
browse-open-now = Open now only
browse-near-me = Nearest to me
browse-nearest = Nearest first
browse-count = Showing { $shown } of { $total } places
browse-more = Show more
kind-all = All
kind-relic = Relics
kind-nature = Scenic spots
kind-museum = Museums
kind-market = Markets
kind-food = Food
kind-lodging = Lodging
kind-craft-village = Craft villages
kind-viewpoint = Viewpoints
kind-landmark = Landmarks
kind-religious = Temples
kind-park = Parks
kind-hospital = Hospitals
kind-police = Police
kind-admin = Public offices
kind-other = Other places
kind-beach = Beaches
plan-title = Plan my free time
plan-start = Start from
plan-from-centre = City centre
plan-from-here = My position
plan-from-place = A place
plan-choose-place = Choose where to start
plan-hours = Free time (hours)
plan-interests = Interests (none: everything)
plan-mode = Getting around
plan-mode-walk = On foot
plan-mode-motorbike = Motorbike
plan-mode-car = Car
plan-go = Plan it
plan-no-position = Your position is not known; turn on location or choose another start.
plan-empty = Nothing fits this time; try more hours or fewer interests.
plan-summary = { $stops } stops, done by { $end }
plan-stop-times = Arrive { $arrive }, leave { $leave }
plan-leg = { $minutes } min on the way
## Alerts screen, announcements and consultations (issue 11, screens)
problem-survey-required = This question needs an answer.
problem-survey-choice = Pick among the given options, each at most once.
problem-survey-scale = Pick a value from { $min } to { $max }.
problem-survey-text-long = Too long; at most { $max } characters.
alerts-from = from { $when }
alerts-onset = starts { $when }
alerts-map = The alert's area on the map
alerts-my-ward = The ward I live in
alerts-my-ward-none = Not chosen
alerts-whole-city = The whole city
alerts-you = Your position
alerts-sender = Source: { $sender }
alerts-severity-extreme = Extreme danger
alerts-severity-severe = Danger
alerts-severity-moderate = Take care
alerts-severity-minor = Notice
alerts-severity-unknown = Severity unknown
city-info = From the city
announcements-title = City announcements
announcements-search = Search announcements
announcements-none = No announcement matches.
announcement-category-administration = Administration
announcement-category-traffic = Traffic
announcement-category-health = Health
announcement-category-culture = Culture
announcement-category-environment = Environment
announcement-category-other = Other
consult-title = Public consultations
consult-none = No consultation yet.
consult-open = Open
consult-closed = Closed
consult-deadline = Answers until { $when }
consult-ended = Closed at { $when }
consult-required = required
consult-answer = Answer
consult-send = Send my answer
consult-queued = Answered, waiting to send
consult-sent = Your answer was sent
consult-rejected = The city did not accept the answer: { $reason }
consult-results = Results: { $n } answers
consult-results-pending = Results are published once the survey closes.
consult-mean = Average { $mean }
consult-text-answers = { $n } written comments
consult-text-placeholder = Your view (optional)
alerts-refresh = Refresh
## System notifications (core/src/platform.rs)
notify-report = Report updated
notify-dossier = Dossier moved on
notify-alert = New alert
notify-alerts = { $count } new alerts

## "Is it really fixed?" once the city says it is done
feedback-question = Is it really fixed?
feedback-yes = Yes, fixed
feedback-no = No, not fixed
feedback-rating-question = How satisfied are you with how the city handled it?
feedback-rating-label = { $rating } out of 5
feedback-comment = Anything to add (optional)
feedback-send = Send my answer
feedback-later = Not now
feedback-change = Change my answer
feedback-given-fixed = You confirmed it is fixed · { $rating }/5
feedback-given-not-fixed = You said it is not fixed (reopened) · { $rating }/5
feedback-waiting = Waiting to be sent
feedback-refused = The city did not take your answer: { $reason }
feedback-changeable = Can be changed until { $date }
feedback-not-fixed-comment = The reporter says the problem is not fixed.
problem-feedback-rating = Choose how satisfied you are, from 1 to 5.
problem-feedback-comment-long = Your comment has { $len } characters; at most { $max }.
problem-feedback-not-done = You can rate a report once the city says it is done.
problem-feedback-window-over = Answers can be changed for { $days } days after they were sent.
notice-report-overdue = { $count ->
    [one] “{ $service }” is { $days ->
        [one] 1 day
       *[other] { $days } days
    } overdue.
   *[other] { $count } of your reports are overdue.
}
notify-report-overdue = Report overdue
problem-feedback-fixed = Say whether the problem is really fixed.
## Optional sign-in (account)
problem-signin-not-offered = This city's server does not offer sign-in. Every feature works without an account.
problem-signin-provider-down = The sign-in service cannot be reached. Try again later; your reports are kept and will be sent.
problem-signin-cancelled = Sign-in cancelled. You can keep using the app without an account.
problem-signin-timeout = Sign-in took too long. Please try again.
problem-signin-refused = The sign-in service refused the request. Try again; if it keeps failing, tell the city.
problem-signin-no-browser = The browser could not be opened to sign in.
problem-signin-expired = Your sign-in has expired. Sign in again; reports are sent anonymously meanwhile.
signin-page-done = Signed in to MyCity
signin-page-failed = Not signed in
signin-page-back = You can close this page and go back to the MyCity app.
account-title = Account
account-why = Optional: every feature works without an account. Sign in so your reports and dossiers follow you to another device.
account-not-offered = This city offers no sign-in yet. Every feature works without an account.
account-sign-in = Sign in
account-sign-out = Sign out
account-cancel = Cancel
account-waiting = Waiting for you to sign in in the browser…
account-open-page = Open the sign-in page
account-signed-in = Signed in as { $name }

## Look-ups
lookups-title = Look-ups
lookups-health = Health
lookups-health-hint = Hospitals, health stations, clinics and pharmacies near you
lookups-transport = Transport
lookups-transport-hint = Next buses, routes on the map, road closures and roadworks
transport-none = { $city } has no bus timetable in its city pack yet.
transport-approximate = Times and stop positions are approximate, built from published headways — not the official timetable.
transport-from-centre = Measured from the city centre (your position is not known).
transport-from-position = Measured from your position.
transport-nearest = Nearest stops
transport-distance = { $distance } away
transport-minutes = { $minutes ->
    [0] arriving
    [one] { $minutes } min
   *[other] { $minutes } min
}
transport-at = at { $time }
transport-then = then { $time }
transport-locate = Use my position
transport-no-departures = No more departures in the next 24 hours.
transport-routes = Routes
transport-route-title = Route { $number }: { $name }
transport-route-stops = { $count } stops, towards { $headsign }
transport-closures = Road closures and roadworks
transport-closures-none = No road closure or roadworks notice in force.
transport-closures-until = until { $until }
transport-map-label = Map of the bus route and closed streets
lookups-planning = Planning
lookups-planning-hint = Land-use zones, what they allow and their limits at a point

## Video in reports
clip-title = Video
clip-hint = Add a short video (at most { $seconds } s, { $mb } MB). Its place and camera details are removed before it is sent.
clip-add = Record or choose a video
clip-working = Checking the video…
clip-facts = Video { $seconds } s · { $size }
clip-stripped = Place and camera details removed
clip-remove = Remove the video
clip-sending = Sending the video: { $percent }% ({ $sent } / { $size })
clip-sent = Video of { $seconds } s sent ({ $size })

# Health look-up (issue 14)
health-search = Search hospitals, pharmacies…
health-kind-all = All
health-kind-hospital = Hospitals
health-kind-health_station = Health stations
health-kind-clinic = Clinics
health-kind-pharmacy = Pharmacies
health-is-hospital = Hospital
health-is-health_station = Health station
health-is-clinic = Clinic
health-is-pharmacy = Pharmacy
health-open-now = Open now only
health-open = Open now
health-closed = Closed
health-hours-unknown = Hours not known
health-emergency = Emergency department
health-approximate = ≈ Approximate position and hours
health-call = Call
health-no-phone = No checked phone number yet
health-call-115 = Emergency: call 115
health-from-you = Nearest to you first.
health-from-centre = Your position is not known: distances are from the city centre.
health-count = { $count ->
    [one] 1 place
   *[other] { $count } places
}
health-none = Nothing matches.
health-source = Compiled from public information, not an official directory.
# Planning look-up (issue 14)
planning-search = Search by zone code (e.g. { $example })
planning-tap-hint = Tap the map to see the planning zone and its rules at that point.
planning-disclaimer = Approximate, not a legal document; check with the city's planning office.
planning-none-here = This point lies outside the zones on record.
planning-no-match = No zone has this code.
planning-empty = The city has no planning layer yet.
planning-zone = Zone { $code }
planning-density = Highest building density: { $value }%
planning-height = Highest building: { $value } floors
planning-far = Highest floor-area ratio: { $value }
planning-decision = Approving decision: { $value }
planning-decision-unknown = Approving decision: not known
planning-no-limits = No building limits.
planning-approximate = ≈ Approximate outline and rules
planning-official = Official data
planning-map = Land-use planning map
