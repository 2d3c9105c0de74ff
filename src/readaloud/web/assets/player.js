/* readaloud player: custom controls over the native <audio>, the sentence being heard marked
   aria-current, chapter navigation and keyboard shortcuts. Without this script the page still
   has the text, the native audio controls and chapter links with media fragments (#t=). */
(function () {
  "use strict";
  var audio = document.getElementById("audio");
  var panel = document.getElementById("controls");
  if (!audio || !panel) return;

  var embed = document.body.classList.contains("embed");
  var playButton = document.getElementById("play");
  var speed = document.getElementById("speed");
  var seek = document.getElementById("seek");
  var clock = document.getElementById("clock");
  var now = document.getElementById("now");
  var nowText = document.getElementById("now-text");
  var followButton = document.getElementById("follow");
  var problem = document.getElementById("problem");
  // The title and byline sit in a header above the player; the article below it.
  var texts = Array.prototype.slice.call(document.querySelectorAll(".text"));
  var scrollBox = embed ? document.getElementById("transcript-box") : null;
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  var sentences = Array.prototype.slice.call(document.querySelectorAll(".text [data-start]"));
  var starts = sentences.map(function (el) { return parseFloat(el.getAttribute("data-start")); });
  var ends = sentences.map(function (el) { return parseFloat(el.getAttribute("data-end")); });
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.chapters a[data-start]"));
  var chapterStarts = links.map(function (a) { return parseFloat(a.getAttribute("data-start")); });
  var duration = parseFloat(audio.getAttribute("data-duration")) || 0;

  var current = -1;
  var chapter = -1;
  var follow = true;
  var ownScrollUntil = 0; // scroll events before this time are ours (smooth scrolling)
  var dragging = false;

  // Progressive enhancement: our controls replace the native ones only when this script runs.
  audio.controls = false;
  panel.hidden = false;
  var keys = document.getElementById("keys");
  if (keys) keys.hidden = false;

  /** Index of the last value in the sorted list `values` that is <= t, or -1. */
  function lastAtOrBefore(values, t) {
    var lo = 0, hi = values.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (values[mid] <= t + 0.0005) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  /** The sentence heard at time t: it holds from its start through the pause after it. */
  function sentenceAt(t) {
    var i = lastAtOrBefore(starts, t);
    if (i < 0) return -1;
    var until = i + 1 < starts.length ? Math.max(ends[i], starts[i + 1]) : ends[i];
    return t < until ? i : -1;
  }

  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  function spokenTime(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var m = Math.floor(s / 60), r = s % 60;
    return (m ? m + (m === 1 ? " minute " : " minutes ") : "") + r + (r === 1 ? " second" : " seconds");
  }

  function visible(el) {
    var box = el.getBoundingClientRect();
    var area = scrollBox ? scrollBox.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    return box.bottom > area.top && box.top < area.bottom;
  }

  function reveal(el, asked) {
    if (!el || el.offsetParent === null) return;
    if (!asked && (!follow || reduceMotion.matches || visible(el))) return;
    ownScrollUntil = Date.now() + 2000; // cut short by "scrollend" where supported
    var smooth = !reduceMotion.matches;
    if (scrollBox) {
      // Inside an iframe, scrollIntoView would also scroll the publisher's page.
      var offset = el.getBoundingClientRect().top - scrollBox.getBoundingClientRect().top;
      scrollBox.scrollTo({ top: scrollBox.scrollTop + offset - scrollBox.clientHeight / 3, behavior: smooth ? "smooth" : "auto" });
    } else {
      el.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    }
  }

  function setFollow(value) {
    follow = value;
    if (followButton) followButton.hidden = value || current < 0;
  }

  function sync() {
    var t = audio.currentTime;
    var i = sentenceAt(t);
    if (i !== current) {
      if (current >= 0) sentences[current].removeAttribute("aria-current");
      current = i;
      if (i >= 0) {
        sentences[i].setAttribute("aria-current", "true");
        reveal(sentences[i], false);
      }
      if (nowText) nowText.textContent = i >= 0 ? sentences[i].textContent : "";
      if (followButton) followButton.hidden = follow || i < 0;
    }
    var c = lastAtOrBefore(chapterStarts, t);
    if (c !== chapter) {
      if (chapter >= 0) links[chapter].removeAttribute("aria-current");
      chapter = c;
      if (c >= 0) {
        links[c].setAttribute("aria-current", "location");
        if (now) now.textContent = "Chapter " + (c + 1) + " of " + links.length + ": " + links[c].textContent;
      }
    }
    var total = audio.duration && isFinite(audio.duration) ? audio.duration : duration;
    clock.textContent = clockText(t) + " / " + clockText(total);
    if (!dragging) {
      seek.max = String(Math.ceil(total));
      seek.value = String(Math.floor(t));
    }
    seek.setAttribute("aria-valuetext", spokenTime(t) + " of " + spokenTime(total));
  }

  function go(t) {
    var total = audio.duration && isFinite(audio.duration) ? audio.duration : duration;
    audio.currentTime = Math.max(0, total ? Math.min(t, total) : t);
    sync();
  }

  function play() {
    var started = audio.play();
    if (started && started.catch) started.catch(function () { /* autoplay refused: stay paused */ });
  }

  function toggle() {
    if (audio.paused) play(); else audio.pause();
  }

  function chapterStep(step) {
    if (!chapterStarts.length) return;
    var c = lastAtOrBefore(chapterStarts, audio.currentTime);
    // "Previous" first returns to the start of the chapter being heard, as CD players do.
    if (step < 0 && c >= 0 && audio.currentTime - chapterStarts[c] > 3) step = 0;
    var target = Math.min(Math.max(c + step, 0), chapterStarts.length - 1);
    setFollow(true);
    go(chapterStarts[target]);
  }

  function skip(seconds) { go(audio.currentTime + seconds); }

  function showPlaying() {
    var playing = !audio.paused;
    playButton.textContent = playing ? "Pause" : "Play";
  }

  playButton.addEventListener("click", toggle);
  document.getElementById("back").addEventListener("click", function () { skip(-15); });
  document.getElementById("forward").addEventListener("click", function () { skip(15); });
  document.getElementById("previous").addEventListener("click", function () { chapterStep(-1); });
  document.getElementById("next").addEventListener("click", function () { chapterStep(1); });

  function offered(value) {
    return Array.prototype.some.call(speed.options, function (o) { return o.value === value; });
  }
  var saved = null;
  try { saved = window.localStorage.getItem("readaloud-speed"); } catch (e) { saved = null; }
  if (saved && offered(saved)) speed.value = saved;
  audio.playbackRate = parseFloat(speed.value) || 1;
  speed.addEventListener("change", function () {
    audio.playbackRate = parseFloat(speed.value) || 1;
    try { window.localStorage.setItem("readaloud-speed", speed.value); } catch (e) { /* private mode */ }
  });
  audio.addEventListener("ratechange", function () {
    var value = String(audio.playbackRate);
    if (offered(value)) speed.value = value;
  });

  seek.addEventListener("input", function () { dragging = true; clock.textContent = clockText(seek.value) + " / " + clockText(audio.duration || duration); });
  seek.addEventListener("change", function () { dragging = false; setFollow(true); go(parseFloat(seek.value)); });

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      setFollow(true);
      go(chapterStarts[index]);
      play();
    });
  });

  texts.forEach(function (text) {
    text.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-start]") : null;
      if (!target || event.target.closest("a")) return;
      var selection = window.getSelection ? String(window.getSelection()) : "";
      if (selection) return; // the reader is selecting text, not asking to listen
      setFollow(true);
      go(parseFloat(target.getAttribute("data-start")));
      play();
    });
  });

  if (followButton) {
    followButton.addEventListener("click", function () {
      setFollow(true);
      reveal(sentences[current], true);
    });
  }

  var scroller = scrollBox || window;
  scroller.addEventListener("scroll", function () {
    if (Date.now() < ownScrollUntil || current < 0) return;
    // The reader scrolled: follow again only once the sentence being read is back in view.
    setFollow(visible(sentences[current]));
  }, { passive: true });
  scroller.addEventListener("scrollend", function () { ownScrollUntil = 0; });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var el = event.target;
    var tag = el && el.tagName ? el.tagName : "";
    var field = tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable) ||
      (tag === "INPUT" && el.type !== "range");
    var native = tag === "BUTTON" || tag === "SUMMARY" || tag === "AUDIO";
    switch (event.key) {
      case " ":
      case "Spacebar":
        if (field || native) return; // buttons already act on Space
        toggle();
        break;
      case "ArrowLeft":
      case "ArrowRight":
        if (field || tag === "INPUT" || tag === "AUDIO") return; // the slider and lists own their arrows
        skip(event.key === "ArrowLeft" ? -15 : 15);
        break;
      case "[":
      case "]":
        if (field && tag !== "SELECT") return;
        chapterStep(event.key === "[" ? -1 : 1);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  ["play", "pause", "ended"].forEach(function (name) { audio.addEventListener(name, showPlaying); });
  ["timeupdate", "seeked", "seeking", "loadedmetadata", "durationchange"].forEach(function (name) {
    audio.addEventListener(name, sync);
  });
  audio.addEventListener("error", function () {
    if (problem) {
      problem.hidden = false;
      problem.textContent = "The audio could not be loaded here. Use the download link instead.";
    }
  });

  // Follow the sentence closely while playing (timeupdate alone fires only about 4 times a second).
  function frame() {
    if (!audio.paused) { sync(); window.requestAnimationFrame(frame); }
  }
  audio.addEventListener("play", function () { window.requestAnimationFrame(frame); });

  // A link to the page may name a time: page.html#t=95 starts there.
  var match = /[#&]t=(\d+(?:\.\d+)?)/.exec(window.location.hash);
  if (match) {
    var start = parseFloat(match[1]);
    if (audio.readyState >= 1) go(start);
    else audio.addEventListener("loadedmetadata", function () { go(start); }, { once: true });
  }
  showPlaying();
  sync();
})();
