import { useRef, useState, type DragEvent } from "react";
import type { IngestProblem } from "@quarry/engine";
import { formatBytes, formatCount, formatTime } from "../../app/format.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { clearQuery } from "../editor/query-store.ts";
import { loadSample, type FileJob, type IngestQueue } from "./ingest-store.ts";

/** Drop zone, file picker, sample loader, per-file progress and problems, and what is loaded. */
export function DatasetsPanel({ queue }: { queue: IngestQueue }) {
  const jobs = useStore(queue.jobs);
  return (
    <section className="panel datasets" aria-label="Datasets">
      <h2>Datasets</h2>
      <DropZone queue={queue} />
      {jobs.length > 0 && (
        <ul className="jobs" data-testid="file-jobs">
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} onCancel={() => queue.cancel(j.id)} />
          ))}
        </ul>
      )}
      <SavedNote queue={queue} />
      <LoadedSummary onClear={() => void queue.clear().then(clearQuery)} onRemove={(i, name) => void queue.removeFile(i, name).then(clearQuery)} />
    </section>
  );
}

/** The drop target and the two buttons; the whole window also accepts drops (see App). */
function DropZone({ queue }: { queue: IngestQueue }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    queue.addFiles([...e.dataTransfer.files]);
  };
  const onLoadSample = async () => {
    setSampleError(null);
    try {
      await loadSample(queue);
    } catch (e) {
      setSampleError(`Could not load the sample dataset: ${(e as Error).message}`);
    }
  };
  return (
    <div
      className={`dropzone${over ? " over" : ""}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>Drop log files here</p>
      <p className="muted small">JSON lines, Sysmon/Windows XML, EVTX, Zeek, Suricata, PAN-OS, web logs… parsed locally, never uploaded.</p>
      <div className="row">
        <button type="button" onClick={() => input.current?.click()}>Choose files…</button>
        <button type="button" data-testid="load-sample" onClick={() => void onLoadSample()}>Load sample dataset</button>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          queue.addFiles([...(e.target.files ?? [])]);
          e.target.value = "";
        }}
      />
      {sampleError && <p className="bad small" role="alert">{sampleError}</p>}
    </div>
  );
}

function JobRow({ job, onCancel }: { job: FileJob; onCancel: () => void }) {
  const active = job.state === "queued" || job.state === "loading";
  const fraction = job.size ? Math.min(1, job.bytes / job.size) : job.state === "done" ? 1 : 0;
  return (
    <li className={`job ${job.state}${job.state === "done" && job.events === 0 ? " empty" : ""}`} data-testid="file-job" data-state={job.state} data-file={job.name}>
      <div className="job-head">
        <span className="job-name" title={job.name}>{job.name}</span>
        {active && (
          <button type="button" className="ghost small" onClick={onCancel} aria-label={`Cancel loading ${job.name}`}>
            Cancel
          </button>
        )}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="job-meta small">
        <span data-testid="job-bytes">{formatBytes(job.bytes)}{job.size ? ` / ${formatBytes(job.size)}` : ""}</span>
        <span data-testid="job-events" data-count={job.events}>{formatCount(job.events)} events</span>
        <span className="state">{stateText(job)}</span>
      </div>
      {job.error && <p className="bad small" role="alert">{job.error}</p>}
      {job.summary && job.summary.problemTotal > 0 && <Problems file={job.name} total={job.summary.problemTotal} counts={job.summary.problemCounts} examples={job.summary.problems} />}
    </li>
  );
}

function stateText(job: FileJob): string {
  switch (job.state) {
    case "queued":
      return "waiting";
    case "loading":
      return "loading…";
    case "done":
      if (job.events === 0) return "nothing loaded";
      return job.summary?.format ? `loaded as ${job.summary.format}` : "loaded";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
  }
}

/** Problems of one file: counts by reason, then the first examples with their line numbers. */
function Problems({ file, total, counts, examples }: { file: string; total: number; counts: Record<string, number>; examples: IngestProblem[] }) {
  return (
    <details className="problems" data-testid="file-problems" open={examples.length <= 5}>
      <summary className="warn small">
        {formatCount(total)} problem{total === 1 ? "" : "s"} in {file}:{" "}
        {Object.entries(counts)
          .map(([r, n]) => `${r} (${formatCount(n)})`)
          .join(", ")}
      </summary>
      <ul>
        {examples.map((p, i) => (
          <li key={i} className="small" data-testid="problem">
            <span className="where">{p.line !== undefined ? `line ${p.line}` : p.offset ? `byte ${p.offset}` : "whole file"}</span>: {p.reason}
            {p.sample && <code className="sample">{p.sample}</code>}
          </li>
        ))}
        {total > examples.length && <li className="muted small">… and {formatCount(total - examples.length)} more</li>}
      </ul>
    </details>
  );
}

/** Events per sourcetype and the time span, once something is loaded. */
function LoadedSummary({ onClear, onRemove }: { onClear: () => void; onRemove: (index: number, name: string) => void }) {
  const { data } = useEngine("status", {});
  const tz = useStore(settings).timeZone;
  if (!data || data.files.length === 0) return null;
  const rows = Object.entries(data.sourcetypes).sort((a, b) => b[1] - a[1]);
  return (
    <div className="loaded" data-testid="loaded-summary">
      <h3>
        Loaded <span data-testid="total-events" data-count={data.events}>{formatCount(data.events)}</span> events
      </h3>
      <table className="mini">
        <tbody>
          {rows.map(([st, n]) => (
            <tr key={st} data-testid="sourcetype-row" data-sourcetype={st} data-count={n}>
              <td className="st" title={st}>{st}</td>
              <td className="num">{formatCount(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        {formatTime(data.earliest, tz)} → {formatTime(data.latest, tz)} ({tz})
      </p>
      <details className="small">
        <summary>{data.files.length} file{data.files.length === 1 ? "" : "s"}</summary>
        <table className="mini" data-testid="loaded-files">
          <tbody>
            {data.files.map((f, i) => (
              <tr key={`${i}:${f.fingerprint || f.name}`} title={`fingerprint ${f.fingerprint}`} data-testid="loaded-file" data-file={f.name}>
                <td className="st">{f.name}</td>
                <td className="muted">{f.format ?? "—"}</td>
                <td className="num">{formatCount(f.events)}</td>
                <td>
                  <button type="button" className="ghost small" aria-label={`Remove ${f.name}`} data-testid="remove-file" onClick={() => onRemove(i, f.name)}>×</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <button type="button" className="ghost small" onClick={onClear}>Forget all data</button>
    </div>
  );
}

/** Whether the data survives a reload. */
function SavedNote({ queue }: { queue: IngestQueue }) {
  const saved = useStore(queue.saved);
  if (!saved) return null;
  const text = saved === "saved" ? "Saved in this browser: a reload keeps it." : saved === "restored" ? "Restored from this browser." : `Not saved in this browser (${saved.replace(/^not saved:? ?/, "") || "no storage"}).`;
  return <p className={`small ${saved.startsWith("not") ? "warn" : "muted"}`} data-testid="saved-note" data-saved={saved}>{text}</p>;
}
