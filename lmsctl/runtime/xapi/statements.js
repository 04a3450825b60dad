/*
 * statements: learning events as xAPI 1.0.3 statements, exactly the profile of DESIGN section 8
 * (docs/learning-records.md shows one of each). Pure: the statement id and timestamp, the actor
 * and the site's facts come in `ctx`.
 *
 * ctx: { id, timestamp, actor, base (activity base, ends with "/"), language, paths: [ids],
 *        registration? }
 */
import XAPI from "../vendor/xapi/xapi.esm.js";

const ADL = "http://adlnet.gov/expapi/";
export const ACTIVITY = {
  course: ADL + "activities/course",
  lesson: ADL + "activities/lesson",
  question: ADL + "activities/cmi.interaction",
};
/** A learning path's activity type: no published vocabulary has one, so the profile defines it
 * under the activity base (docs/learning-records.md). */
export function pathType(base) { return base + "xapi/activities/path"; }
export const VERB = {
  experienced: { id: ADL + "verbs/experienced", display: { "en-US": "experienced" } },
  answered: XAPI.Verbs.ANSWERED,
  passed: XAPI.Verbs.PASSED,
  completed: XAPI.Verbs.COMPLETED,
  rated: { id: "http://id.tincanapi.com/verb/rated", display: { "en-US": "rated" } },
  /* Activity Streams 1.0: "the actor has flagged the object as being inappropriate for some
     reason"; the reason is the context extension <base>xapi/ext/flag-reason: "outdated". */
  flagged: { id: "http://activitystrea.ms/schema/1.0/flag-as-inappropriate",
             display: { "en-US": "flagged as outdated" } },
};
export const PLATFORM = "lmsctl";

/** Extension IRIs of the profile, under the activity base. */
export function extensions(base) {
  return {
    contentVersion: base + "xapi/ext/content-version",
    attempt: base + "xapi/ext/attempt",
    flagReason: base + "xapi/ext/flag-reason",
  };
}

/* Activity ids: the same as lmsctl.core.ids (course_iri, lesson_iri, question_iri, path_iri). */
export function courseIri(base, course) { return base + "courses/" + course + "/"; }
export function lessonIri(base, course, lesson) { return base + "courses/" + course + "/" + lesson + "/"; }
export function questionIri(base, course, lesson, key) { return lessonIri(base, course, lesson) + "#" + key; }
export function pathIri(base, path) { return base + "paths/" + path + "/"; }

function activity(id, type, more) {
  return { objectType: "Activity", id, definition: Object.assign({ type }, more || {}) };
}

function ref(id, type) { return { objectType: "Activity", id, definition: { type } }; }

/** A duration in ms as ISO 8601 (PT1M1.5S), by the xAPI library. */
export function isoDuration(ms) {
  return XAPI.calculateISO8601Duration(new Date(0), new Date(Math.max(0, Math.round(ms))));
}

function pathRefs(ctx) {
  return (ctx.paths || []).map((p) => ref(pathIri(ctx.base, typeof p === "string" ? p : p.id), pathType(ctx.base)));
}

function context(ctx, parts) {
  const out = { platform: PLATFORM };
  if (ctx.language) { out.language = ctx.language; }
  if (ctx.registration) { out.registration = ctx.registration; }
  const activities = {};
  if (parts.parent) { activities.parent = [parts.parent]; }
  const grouping = (parts.grouping || []).concat(pathRefs(ctx));
  if (grouping.length) { activities.grouping = grouping; }
  if (Object.keys(activities).length) { out.contextActivities = activities; }
  if (parts.extensions) { out.extensions = parts.extensions; }
  return out;
}

function lang(ctx) { return ctx.language || "en"; }

/** The statement for one event (recorder.js events), or null for an event it does not know. */
export function buildStatement(event, ctx) {
  const base = ctx.base;
  const ext = extensions(base);
  const course = event.course ? ref(courseIri(base, event.course), ACTIVITY.course) : null;
  const version = event.version ? { [ext.contentVersion]: event.version } : null;
  const head = { id: ctx.id, timestamp: ctx.timestamp, actor: ctx.actor };
  switch (event.verb) {
    case "experienced":
      return Object.assign(head, {
        verb: VERB.experienced,
        object: activity(lessonIri(base, event.course, event.lesson), ACTIVITY.lesson),
        result: { duration: isoDuration(event.durationMs) },
        context: context(ctx, { parent: course, grouping: [course], extensions: version }),
      });
    case "answered": {
      const lesson = ref(lessonIri(base, event.course, event.lesson), ACTIVITY.lesson);
      const definition = {
        interactionType: "choice",
        choices: event.choices.map((c) => ({ id: c.id, description: { [lang(ctx)]: c.text } })),
        correctResponsesPattern: [event.correct.join("[,]")],
      };
      if (event.text) { definition.description = { [lang(ctx)]: event.text }; }
      return Object.assign(head, {
        verb: VERB.answered,
        object: activity(questionIri(base, event.course, event.lesson, event.question),
                         ACTIVITY.question, definition),
        result: { success: !!event.success, response: event.response.join("[,]"),
                  extensions: { [ext.attempt]: event.attempt } },
        context: context(ctx, { parent: lesson, grouping: [course], extensions: version }),
      });
    }
    case "passed": {
      const result = { success: true, completion: true };
      if (event.score) { result.score = Object.assign({}, event.score); }
      return Object.assign(head, {
        verb: VERB.passed,
        object: activity(courseIri(base, event.course), ACTIVITY.course),
        result,
        context: context(ctx, {}),
      });
    }
    case "completed":
      return Object.assign(head, {
        verb: VERB.completed,
        object: activity(pathIri(base, event.path), pathType(base)),
        result: { completion: true },
        context: context(Object.assign({}, ctx, { paths: [] }), {}),
      });
    case "rated":
      return Object.assign(head, {
        verb: VERB.rated,
        object: activity(lessonIri(base, event.course, event.lesson), ACTIVITY.lesson),
        result: { score: { raw: event.value, min: -1, max: 1 } },
        context: context(ctx, { parent: course, grouping: [course], extensions: version }),
      });
    case "flagged":
      return Object.assign(head, {
        verb: VERB.flagged,
        object: activity(lessonIri(base, event.course, event.lesson), ACTIVITY.lesson),
        context: context(ctx, { parent: course, grouping: [course],
                                extensions: Object.assign({ [ext.flagReason]: "outdated" }, version || {}) }),
      });
    default:
      return null;
  }
}
