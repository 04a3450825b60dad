/*
 * The package's launch page (index.html, the SCO): one LMS session per launch. Creates the
 * SCORM recorder (which finds the LMS API and initializes), exposes it to the course's pages
 * in the frame as window.lmsctlPackage, opens the learner's bookmark or the course's start
 * page, and finishes the session (Terminate / LMSFinish) when the LMS closes the package.
 * An xAPI package passes the launch parameters (endpoint, auth, actor, registration) on.
 */
import { createScormRecorder } from "../../../runtime/recorders/scorm.js";

const data = JSON.parse(document.getElementById("lmsctl-package").textContent);

let recorder = null;
if (data.format === "scorm12" || data.format === "scorm2004") {
  recorder = createScormRecorder({ win: window, course: data,
                                   version: data.format === "scorm2004" ? "2004" : "1.2" });
}
window.lmsctlPackage = { data, recorder, launchSearch: window.location.search };

const frame = document.getElementById("lmsctl-frame");
let start = data.start;
const bookmark = recorder && recorder.load(`location:${data.course}`);
const lesson = bookmark && data.lessons.find((l) => l.id === bookmark);
if (lesson) { start = lesson.url; }
frame.setAttribute("src", start);

window.addEventListener("pagehide", () => { if (recorder) { recorder.finish(); } });
