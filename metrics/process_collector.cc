#include "metrics/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"

namespace fanfare::metrics {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces), so that
// field N of proc(5) is fields[N - 3].
std::vector<std::string> StatFields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return {};
  const size_t end_of_name = line.rfind(')');
  if (end_of_name == std::string::npos) return {};
  std::istringstream rest(line.substr(end_of_name + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Seconds since the epoch at which the machine booted (/proc/stat's btime), or 0.
double BootTime() {
  std::ifstream file("/proc/stat");
  for (std::string key; file >> key;) {
    if (key == "btime") {
      double btime = 0;
      file >> btime;
      return btime;
    }
    file.ignore(1 << 20, '\n');
  }
  return 0;
}

double Number(const std::vector<std::string>& fields, size_t i) {
  double value = 0;
  return i < fields.size() && absl::SimpleAtod(fields[i], &value) ? value : 0;
}

double OpenFds() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end;
       !error && it != end; it.increment(error)) {
    ++count;
  }
  return count;
}

void Collect(std::vector<MetricFamily>& out) {
  const std::vector<std::string> stat = StatFields();
  // proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24.
  if (stat.size() >= 22) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    out.push_back(Single("process_cpu_seconds_total",
                         "Total user and system CPU time spent in seconds.", MetricType::kCounter,
                         (Number(stat, 11) + Number(stat, 12)) / ticks));
    out.push_back(Single("process_start_time_seconds",
                         "Start time of the process since unix epoch in seconds.",
                         MetricType::kGauge, BootTime() + Number(stat, 19) / ticks));
    out.push_back(Single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                         MetricType::kGauge, Number(stat, 20)));
    out.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.",
                         MetricType::kGauge, Number(stat, 21) * page));
  }
  out.push_back(Single("process_open_fds", "Number of open file descriptors.",
                       MetricType::kGauge, OpenFds()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(Single("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::kGauge, static_cast<double>(limit.rlim_cur)));
  }
}

}  // namespace

void AddProcessCollector(Registry& registry) { registry.AddCollector(Collect); }

}  // namespace fanfare::metrics
